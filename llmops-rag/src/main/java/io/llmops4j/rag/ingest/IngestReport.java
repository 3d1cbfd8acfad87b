package io.llmops4j.rag.ingest;

import io.llmops4j.rag.IndexVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Outcome of one ingestion run.
 *
 * @param filesSeen      files selected by the walker
 * @param filesIndexed   files (re)indexed
 * @param filesUnchanged files skipped because their content hash was already indexed
 * @param filesRemoved   files no longer present whose chunks were removed
 * @param chunksIndexed  chunks embedded and indexed
 * @param problems       files (or records) that were not indexed, with the reason
 * @param cancelled      whether the run was cancelled before the end
 * @param elapsed        wall time
 * @param version        the index version committed at the end ({@code null} when nothing was committed)
 */
public record IngestReport(int filesSeen, int filesIndexed, int filesUnchanged, int filesRemoved, long chunksIndexed,
                           List<Problem> problems, boolean cancelled, Duration elapsed, IndexVersion version) {

    /** A file or a record in it that was not indexed. */
    public record Problem(Path file, String reason) {
    }

    public IngestReport {
        problems = List.copyOf(problems);
    }

    /** Chunks per second over the whole run. */
    public double chunksPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s == 0 ? 0 : chunksIndexed / s;
    }
}
