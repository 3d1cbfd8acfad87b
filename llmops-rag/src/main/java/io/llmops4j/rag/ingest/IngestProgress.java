package io.llmops4j.rag.ingest;

import java.time.Duration;
import java.util.Optional;

/**
 * Progress of an ingestion run, reported after every embedded batch and every file.
 *
 * @param filesDone      files finished (indexed, skipped or failed)
 * @param filesTotal     files selected
 * @param bytesDone      bytes of the finished files plus the bytes read of the current one
 * @param bytesTotal     bytes of all selected files
 * @param chunksEmbedded chunks embedded and indexed so far
 * @param elapsed        wall time so far
 */
public record IngestProgress(int filesDone, int filesTotal, long bytesDone, long bytesTotal, long chunksEmbedded,
                             Duration elapsed) {

    /** Chunks embedded per second so far. */
    public double chunksPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s == 0 ? 0 : chunksEmbedded / s;
    }

    /** Remaining time, extrapolated from the bytes processed so far; empty before anything was processed. */
    public Optional<Duration> eta() {
        if (bytesDone <= 0 || bytesTotal <= 0) {
            return Optional.empty();
        }
        double remaining = (double) (bytesTotal - bytesDone) / bytesDone;
        return Optional.of(Duration.ofNanos((long) (elapsed.toNanos() * Math.max(0, remaining))));
    }
}
