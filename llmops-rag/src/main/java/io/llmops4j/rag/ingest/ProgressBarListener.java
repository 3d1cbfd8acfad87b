package io.llmops4j.rag.ingest;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows ingestion progress as a console progress bar over bytes, with files done, chunks embedded, throughput and
 * the ETA of {@link IngestProgress#eta()} (for the CLI): {@code task  50% [====    ] 2/4 MB (elapsed / ETA) 2/4 files,
 * 45 chunks, 15.0 chunks/s}. Close it when the run is over; closing twice is harmless.
 */
public final class ProgressBarListener implements IngestListener, AutoCloseable {
    private static final int STREAM_LINE_WIDTH = 120;

    private final String task;
    private final PrintStream out;
    private final int width;
    private ProgressBar bar;
    private OnceClosed consumer;
    private volatile IngestProgress last;

    /** A bar on standard error, as wide as the terminal, redrawn in place. */
    public ProgressBarListener(String task) {
        this(task, System.err, -1);
    }

    /**
     * A bar written to {@code out} as carriage-return separated lines of at most 120 characters (a stream has no
     * terminal width), ending with a newline when closed.
     */
    public ProgressBarListener(String task, PrintStream out) {
        this(task, out, STREAM_LINE_WIDTH);
    }

    private boolean closed;

    private ProgressBarListener(String task, PrintStream out, int width) {
        this.task = Objects.requireNonNull(task, "task");
        this.out = Objects.requireNonNull(out, "out");
        this.width = width;
    }

    @Override
    public synchronized void onProgress(IngestProgress p) {
        if (closed) {
            return; // a late event must not open a new bar that nobody closes
        }
        last = p;
        if (bar == null) {
            consumer = new OnceClosed(new ConsoleProgressBarConsumer(out, width));
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(1, p.bytesTotal()))
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" MB", 1 << 20).setUpdateIntervalMillis(500)
                    .setEtaFunction(state -> last.eta()).setConsumer(consumer).build();
        }
        bar.stepTo(p.bytesDone());
        bar.setExtraMessage(String.format(Locale.ROOT, " %d/%d files, %d chunks, %.1f chunks/s", p.filesDone(),
                p.filesTotal(), p.chunksEmbedded(), p.chunksPerSecond()));
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (bar != null) {
            bar.close();
            consumer.close();
            bar = null;
        }
    }

    /**
     * Closes its delegate (ending the line) once. {@link ProgressBar#close()} in progressbar 0.10.1 draws the final
     * state but skips closing the consumer when it runs before the bar's first scheduled refresh, so the listener
     * closes it too.
     */
    private static final class OnceClosed implements ProgressBarConsumer {
        private final ProgressBarConsumer delegate;
        private boolean closed;

        OnceClosed(ProgressBarConsumer delegate) {
            this.delegate = delegate;
        }

        @Override
        public int getMaxRenderedLength() {
            return delegate.getMaxRenderedLength();
        }

        @Override
        public void accept(String rendered) {
            delegate.accept(rendered);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                delegate.close();
            }
        }
    }
}
