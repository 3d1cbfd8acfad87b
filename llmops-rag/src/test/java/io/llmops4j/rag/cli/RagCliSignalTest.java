package io.llmops4j.rag.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmops4j.core.Embedder;
import io.llmops4j.rag.IndexVersion;
import io.llmops4j.rag.VectorIndex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what Ctrl-C's SIGINT also triggers: the JVM's shutdown) in the middle of {@code llmops-rag ingest}
 * in a child JVM: the ingestion stops after its current batch, commits and reports what it did, and the index
 * opens afterwards with that commit as its newest version.
 */
class RagCliSignalTest {

    @Test
    void aSignalStopsIngestionAfterACommit(@TempDir Path tmp) throws Exception {
        Path docs = Files.createDirectories(tmp.resolve("docs"));
        for (int f = 0; f < 400; f++) {
            StringBuilder text = new StringBuilder();
            for (int s = 0; s < 40; s++) {
                text.append("Report ").append(f).append(" section ").append(s)
                        .append(" describes turbines, reservoirs and grid storage in plain words. ");
            }
            Files.writeString(docs.resolve("doc" + f + ".txt"), text);
        }
        Path index = tmp.resolve("index");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), RagCli.class.getName(), "ingest", "--index", index.toString(),
                docs.toString()));
        Path out = tmp.resolve("stdout.txt");
        Process child = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(tmp.resolve("stderr.txt").toFile()).start();
        try {
            // the index is created (version 1) right before ingestion starts; then let a few batches through
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!hasCommit(index) && System.nanoTime() < deadline && child.isAlive()) {
                Thread.sleep(100);
            }
            Thread.sleep(3000);
            assertThat(child.isAlive()).as("still ingesting when signalled: %s", read(out)).isTrue();
            child.destroy(); // SIGTERM
            assertThat(child.waitFor(90, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        String printed = read(out);
        assertThat(printed).contains("cancelled: the files done so far are committed").contains("committed version");
        try (Embedder embedder = Embedder.defaultModel(); VectorIndex idx = VectorIndex.open(index, embedder)) {
            IndexVersion last = idx.versions().getLast();
            assertThat(printed).contains("committed version " + last.id());
            assertThat(idx.size()).isPositive();
        }
    }

    private static boolean hasCommit(Path index) throws IOException {
        if (!Files.isDirectory(index)) {
            return false;
        }
        try (var files = Files.list(index)) {
            return files.anyMatch(p -> p.getFileName().toString().startsWith("segments_"));
        }
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }
}
