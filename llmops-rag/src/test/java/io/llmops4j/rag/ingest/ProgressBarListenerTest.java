package io.llmops4j.rag.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressBarListenerTest {
    @Test
    void rendersProgressAndClosesTwiceHarmlessly() {
        ProgressBarListener bar = new ProgressBarListener("ingest");
        assertThatCode(() -> {
            bar.onProgress(new IngestProgress(0, 2, 0, 2048, 0, Duration.ZERO));
            bar.onProgress(new IngestProgress(1, 2, 1024, 2048, 10, Duration.ofSeconds(1)));
            bar.onProgress(new IngestProgress(2, 2, 2048, 2048, 20, Duration.ofSeconds(2)));
            bar.close();
            bar.close();
        }).doesNotThrowAnyException();
    }

    @Test
    void writesFilesChunksThroughputAndEtaToAStream() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ProgressBarListener bar = new ProgressBarListener("ingest", new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
            bar.onProgress(new IngestProgress(1, 4, 1 << 20, 4 << 20, 30, Duration.ofSeconds(2)));
            bar.onProgress(new IngestProgress(2, 4, 2 << 20, 4 << 20, 45, Duration.ofSeconds(3)));
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        // the state at close: 2 of 4 MB; half the bytes in 3 s leaves 3 s; 45 chunks / 3 s = 15.0 chunks/s
        assertThat(out).startsWith("\r").endsWith(System.lineSeparator()).contains("ingest  50% [").contains("] 2/4 MB (")
                .contains(" / 0:00:03)  2/4 files, 45 chunks, 15.0 chunks/s");
        assertThat(out.split("\r")).allSatisfy(line -> assertThat(line.strip().length()).isLessThanOrEqualTo(120));
    }

    @Test
    void progressAfterCloseDrawsNothing() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBarListener bar = new ProgressBarListener("ingest", new PrintStream(bytes, true, StandardCharsets.UTF_8));
        bar.onProgress(new IngestProgress(1, 2, 1024, 2048, 10, Duration.ofSeconds(1)));
        bar.close();
        int atClose = bytes.size();
        bar.onProgress(new IngestProgress(2, 2, 2048, 2048, 20, Duration.ofSeconds(2)));
        Thread.sleep(700); // longer than the bar's refresh interval: a new bar would have drawn by now
        bar.close();
        assertThat(bytes.size()).isEqualTo(atClose);
    }
}
