package io.llmops4j.rag.ingest;

import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows ingestion progress as a console progress bar over bytes, with chunks embedded, throughput and ETA (for the
 * CLI). Close it when the run is over; closing twice is harmless.
 */
public final class ProgressBarListener implements IngestListener, AutoCloseable {
    private final String task;
    private ProgressBar bar;

    public ProgressBarListener(String task) {
        this.task = task;
    }

    @Override
    public synchronized void onProgress(IngestProgress p) {
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(1, p.bytesTotal()))
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" MB", 1 << 20).setUpdateIntervalMillis(500).build();
        }
        bar.stepTo(p.bytesDone());
        bar.setExtraMessage(String.format(" %d/%d files, %d chunks, %.1f chunks/s, ETA %s", p.filesDone(),
                p.filesTotal(), p.chunksEmbedded(), p.chunksPerSecond(),
                p.eta().map(ProgressBarListener::format).orElse("?")));
    }

    private static String format(Duration d) {
        return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
