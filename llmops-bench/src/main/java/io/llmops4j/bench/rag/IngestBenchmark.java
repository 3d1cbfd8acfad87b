package io.llmops4j.bench.rag;

import io.llmops4j.core.Embedder;
import io.llmops4j.rag.VectorIndex;
import io.llmops4j.rag.ingest.IngestReport;
import io.llmops4j.rag.ingest.Ingestor;
import io.llmops4j.rag.ingest.ProgressBarListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Ingestion throughput: a generated corpus of Markdown and text files (deterministic, about 1,000 words each)
 * walked, loaded, chunked, embedded with the default embedder and indexed; prints chunks/s and the report.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks.jar io.llmops4j.bench.rag.IngestBenchmark [files=200]</pre>
 */
public final class IngestBenchmark {
    private static final String[] WORDS = ("energy storage battery grid solar wind turbine heat pump hydrogen "
            + "electrolysis capacity demand supply price market policy carbon emission efficiency cost network "
            + "transmission voltage frequency reserve inverter panel module cell lithium charge cycle").split(" ");

    private IngestBenchmark() {
    }

    static void generate(Path dir, int files, long seed) throws Exception {
        Random rnd = new Random(seed);
        for (int f = 0; f < files; f++) {
            StringBuilder sb = new StringBuilder();
            boolean md = f % 2 == 0;
            for (int section = 0; section < 5; section++) {
                if (md) {
                    sb.append("## Section ").append(section).append("\n\n");
                }
                for (int sentence = 0; sentence < 12; sentence++) {
                    int len = 8 + rnd.nextInt(16);
                    for (int w = 0; w < len; w++) {
                        String word = WORDS[rnd.nextInt(WORDS.length)];
                        sb.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
                        sb.append(w == len - 1 ? ". " : " ");
                    }
                }
                sb.append("\n\n");
            }
            Files.writeString(dir.resolve("doc" + f + (md ? ".md" : ".txt")), sb);
        }
    }

    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Embedder embedder;
        try {
            embedder = Embedder.defaultModel();
        } catch (RuntimeException | LinkageError e) {
            System.out.println("default embedder unavailable (" + e + "): skipped");
            return;
        }
        Path corpus = Files.createTempDirectory("llmops-ingest-corpus");
        generate(corpus, files, 7);
        try (embedder; VectorIndex index = VectorIndex.inMemory(embedder);
             ProgressBarListener bar = new ProgressBarListener("ingest")) {
            // whitespace words approximate WordPiece tokens (~1.3 per word): 160 words stay under 256 pieces
            IngestReport r = Ingestor.builder().index(index).maxTokens(160).overlapTokens(16).listener(bar).build()
                    .ingest(corpus);
            bar.close();
            System.out.printf("%d files, %d chunks in %.1f s: %.1f chunks/s embedded and indexed (%s, %d cores)%n",
                    r.filesIndexed(), r.chunksIndexed(), r.elapsed().toNanos() / 1e9, r.chunksPerSecond(),
                    embedder.id(), Runtime.getRuntime().availableProcessors());
        }
    }
}
