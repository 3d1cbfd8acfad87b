package io.llmops4j.rag.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmops4j.rag.Document;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A text file much larger than the heap is loaded in a child JVM with -Xmx64m. */
class StreamingMemoryTest {

    /** Child: loads {@code args[0]} with the text loader and prints the number of characters seen. */
    public static void main(String[] args) {
        long[] chars = {0};
        DocumentLoader.text(1 << 20).load(Path.of(args[0]), new DocumentLoader.Context() {
            @Override
            public String documentId() {
                return "big";
            }

            @Override
            public Map<String, String> metadata() {
                return Map.of();
            }

            @Override
            public void accept(Document document) {
                if (document.offset() != chars[0]) {
                    throw new IllegalStateException("offset " + document.offset() + " != " + chars[0]);
                }
                chars[0] += document.text().length();
            }

            @Override
            public void problem(String reason) {
                throw new IllegalStateException(reason);
            }
        });
        System.out.println("CHARS " + chars[0]);
    }

    @Test
    void aFileFourTimesTheHeapIsStreamed(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.txt");
        String line = "The quick brown fox jumps over the lazy dog; streaming keeps memory flat.\n";
        long lines = (256L << 20) / line.length();
        try (BufferedWriter w = Files.newBufferedWriter(big, StandardCharsets.UTF_8)) {
            for (long i = 0; i < lines; i++) {
                w.write(line);
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                StreamingMemoryTest.class.getName(), big.toString())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.strip()).isEqualTo("CHARS " + lines * line.length());
    }
}
