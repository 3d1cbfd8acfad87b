package io.llmops4j.eval;

import static org.assertj.core.api.Assumptions.assumeThat;

import io.llmops4j.core.LanguageModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of test classes that need a language model: the shared stories260K checkpoint (a real tiny Llama), loaded
 * once per class, or the class is skipped when ../shared is absent.
 */
abstract class WithStoriesModel {
    static final Path DIR = Path.of(System.getProperty("llmops.shared.dir", "../shared"), "models", "stories260K");

    static LanguageModel model;

    /** CPU with one PyTorch thread: on a busy 2-core machine more threads contend and each call gets ~30x slower. */
    @BeforeAll
    static void loadStories() {
        assumeThat(Files.isRegularFile(DIR.resolve("model.safetensors"))).as("stories260K not found at " + DIR).isTrue();
        model = LanguageModel.builder().path(DIR).device("cpu").threads(1).build();
    }

    @AfterAll
    static void closeStories() {
        if (model != null) {
            model.close();
            model = null;
        }
    }
}
