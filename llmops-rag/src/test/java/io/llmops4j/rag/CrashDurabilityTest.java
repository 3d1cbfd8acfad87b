package io.llmops4j.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills (SIGKILL) a child JVM in the middle of ingestion and checks that every acknowledged commit survived. */
class CrashDurabilityTest {

    @Test
    void killMinusNineLosesNothingCommittedAndTheIndexStillOpens(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), dir.toString()));
        Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int lastCommitted = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("COMMITTED ")) {
                    lastCommitted = Integer.parseInt(line.substring(10).trim());
                    if (lastCommitted >= 4) {
                        break;
                    }
                }
            }
            // the child is now writing the next batch (and maybe committing it): kill -9 mid-ingestion
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(lastCommitted).as("child output; classpath " + System.getProperty("java.class.path")
                .split(File.pathSeparator).length + " entries").isGreaterThanOrEqualTo(4);

        try (VectorIndex index = VectorIndex.open(dir, new HashEmbedder())) {
            Map<String, String> contents = VectorIndexVersionsTest.contents(index);
            for (int b = 0; b <= lastCommitted; b++) {
                for (int i = 0; i < 200; i++) {
                    assertThat(contents).containsEntry("b" + b + "-" + i, "batch " + b + " chunk " + i + " text");
                }
            }
            // whatever else survived is exactly a later committed batch (commit is atomic), never a partial one
            long extra = contents.keySet().stream().filter(id -> id.startsWith("b")).count() - 200L * (lastCommitted + 1);
            assertThat(extra % 200).isZero();
            // and the recovered index accepts writes and commits
            index.add(List.of(Chunk.of("after-crash", "still writable", Map.of())));
            index.commit();
            assertThat(index.size()).isEqualTo(contents.size() + 1);
        }
    }
}
