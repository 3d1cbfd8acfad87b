package io.llmops4j.rag;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checkpoints under {@code ../shared/models} (system property {@code llmops.shared.dir}); tests skip without them. */
public final class SharedModels {
    private SharedModels() {
    }

    /** The tiny trained Llama stories260K with its tokenizer (512 tokens, context length 512); skips when absent. */
    public static Path stories260K() {
        String shared = System.getProperty("llmops.shared.dir");
        assumeTrue(shared != null, "llmops.shared.dir not set");
        Path dir = Path.of(shared, "models", "stories260K");
        assumeTrue(Files.isDirectory(dir), "stories260K not present at " + dir);
        return dir;
    }
}
