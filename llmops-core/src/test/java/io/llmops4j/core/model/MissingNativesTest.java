package io.llmops4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.llmops4j.core.LanguageModel;
import io.llmops4j.core.LlmOpsException;
import io.llmops4j.core.testing.TinyCheckpoints;
import io.llmops4j.core.testing.TinyCheckpoints.Variant;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM whose class path lacks the PyTorch native artifact, with an empty DJL cache and no offline flag of its own:
 * loading a model must not try the network and must fail with an error that names the missing artifact.
 */
class MissingNativesTest {
    @TempDir
    Path tmp;

    @Test
    void withoutTheNativeArtifactLoadingNamesIt() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = Arrays.asList(classPath.split(File.pathSeparator));
        List<String> without = entries.stream().filter(e -> !e.contains("pytorch-native-")).toList();
        assumeTrue(without.size() == entries.size() - 1, "the native artifact is one class-path entry: " + classPath);
        Path dir = tmp.resolve("model");
        TinyCheckpoints.write(dir, Variant.LLAMA, 1);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", String.join(File.pathSeparator, without),
                Probe.class.getName(), dir.toString()).redirectErrorStream(true);
        pb.environment().put("DJL_CACHE_DIR", tmp.resolve("djl-cache").toString());
        pb.environment().put("ENGINE_CACHE_DIR", tmp.resolve("engine-cache").toString());
        pb.environment().remove("DJL_OFFLINE");
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the probe JVM finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).contains("REFUSED " + LlmOpsException.class.getName())
                .contains("ai.djl.pytorch:pytorch-native-cpu:2.7.1").contains("offline true");
    }

    /** Loads the model given as the argument and prints how that ended. */
    public static final class Probe {
        public static void main(String[] args) {
            try (LanguageModel lm = LanguageModel.load(Path.of(args[0]))) {
                System.out.println("LOADED " + lm);
            } catch (LlmOpsException e) {
                System.out.println("REFUSED " + e.getClass().getName() + ": " + e.getMessage());
            }
            System.out.println("offline " + System.getProperty("ai.djl.offline"));
        }
    }
}
