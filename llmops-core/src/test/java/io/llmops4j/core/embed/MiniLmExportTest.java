package io.llmops4j.core.embed;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of exports built around all-MiniLM-L6-v2 share: a directory of {@link MiniLmExports} per test class,
 * and a plain embedder of the model (CPU, one thread) whose per-token vectors the expected values are computed from.
 */
abstract class MiniLmExportTest {
    @TempDir
    static Path base;
    static MiniLmExports exports;
    static OnnxEmbedder reference;

    @BeforeAll
    static void createExportsAndReference() throws IOException {
        exports = new MiniLmExports(base);
        reference = OnnxEmbedder.builder().device(OnnxEmbedder.Device.CPU).threads(1).build();
    }

    @AfterAll
    static void closeReference() {
        reference.close();
    }
}
