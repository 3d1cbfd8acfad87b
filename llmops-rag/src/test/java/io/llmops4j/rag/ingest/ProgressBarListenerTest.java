package io.llmops4j.rag.ingest;

import static org.assertj.core.api.Assertions.assertThatCode;

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
}
