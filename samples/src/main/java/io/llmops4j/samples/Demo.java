package io.llmops4j.samples;

import io.llmops4j.core.Embedder;
import io.llmops4j.core.Generation;
import io.llmops4j.core.GenerationConfig;
import io.llmops4j.core.LanguageModel;
import io.llmops4j.eval.Perplexity;
import io.llmops4j.eval.PerplexityResult;
import io.llmops4j.eval.Retrieval;
import io.llmops4j.rag.Chunk;
import io.llmops4j.rag.SearchHit;
import io.llmops4j.rag.SearchRequest;
import io.llmops4j.rag.SearchRequest.Mode;
import io.llmops4j.rag.VectorIndex;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end demo. With {@code --model DIR} it loads a Hugging Face checkpoint and streams a generation.
 * With no arguments it runs the embedded defaults end to end, without any download: (1) the all-MiniLM-L6-v2
 * cosine similarity matrix of a handful of sentences; (2) a hybrid Lucene index of a small knowledge base, three
 * questions answered by VECTOR, KEYWORD and HYBRID search, scored with recall@1, MRR and nDCG@3 against their
 * known answers; (3) when the shared stories260K checkpoint is beside the checkout ({@code llmops.shared.dir}),
 * a streamed story and the model's perplexity on it.
 */
@Command(name = "llmops4j-demo", mixinStandardHelpOptions = true,
        description = "Generate with a Hugging Face checkpoint, or (no arguments) run embeddings, retrieval, "
                + "evaluation and generation on the embedded defaults.")
public final class Demo implements Callable<Integer> {
    /** A small knowledge base: chunk id -> text. */
    static final Map<String, String> FACTS = new LinkedHashMap<>();

    static {
        FACTS.put("photosynthesis", "Plants turn sunlight, water and carbon dioxide into glucose and oxygen.");
        FACTS.put("volcano", "Magma that reaches the surface of the earth erupts as lava.");
        FACTS.put("football", "The striker scored twice in the second half of the match.");
        FACTS.put("inflation", "The central bank raised interest rates to curb inflation.");
        FACTS.put("heat-pump", "A heat pump moves heat from outside air into a building using a refrigerant cycle.");
        FACTS.put("jvm", "The Java virtual machine compiles hot bytecode to native code at run time.");
        FACTS.put("tides", "Ocean tides are caused mainly by the gravitational pull of the moon.");
        FACTS.put("vaccines", "Vaccines train the immune system to recognise a pathogen without causing disease.");
    }

    /** Questions with the id of the chunk that answers them; most share few words with it. */
    static final Map<String, String> QUESTIONS = Map.of(
            "How do leaves make food?", "photosynthesis",
            "Why does the sea level rise and fall twice a day?", "tides",
            "What did the central bank do about rising prices?", "inflation");

    static final List<String> SENTENCES = List.of(
            "A man is playing a guitar on stage.",
            "Someone performs music with a guitar in front of an audience.",
            "The stock market fell sharply after the announcement.",
            "Share prices dropped steeply following the news.",
            "A cat is sleeping on the windowsill.");

    @Option(names = "--model", paramLabel = "DIR", description = "Hugging Face checkpoint directory (config.json, model.safetensors, tokenizer.json).")
    Path model;

    @Option(names = "--prompt", description = "Prompt to continue (default: ${DEFAULT-VALUE}).", defaultValue = "Once upon a time")
    String prompt;

    @Option(names = "--max-new-tokens", description = "Tokens to generate (default: ${DEFAULT-VALUE}).", defaultValue = "120")
    int maxNewTokens;

    @Option(names = "--temperature", description = "0 for greedy decoding (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    double temperature;

    @Option(names = "--seed", description = "Sampling seed (default: ${DEFAULT-VALUE}).", defaultValue = "42")
    long seed;

    private final PrintStream out;

    Demo(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.exit(new CommandLine(new Demo(out)).execute(args));
    }

    @Override
    public Integer call() {
        if (model == null) {
            out.println("== 1. Embeddings (all-MiniLM-L6-v2, embedded)");
            try (Embedder embedder = Embedder.defaultModel()) {
                similarityMatrix(embedder);
                out.println();
                out.println("== 2. Retrieval and its evaluation (Lucene HNSW + BM25, in memory)");
                retrieval(embedder);
            }
            out.println();
            out.println("== 3. Generation");
            Path stories = sharedModel("stories260K");
            if (stories == null) {
                out.println("  skipped: ../shared/models/stories260K not found (run with --model DIR to use a checkpoint)");
            } else {
                try (LanguageModel lm = LanguageModel.load(stories)) {
                    String story = stream(lm);
                    PerplexityResult ppl = Perplexity.of(lm, List.of(story), lm.config().contextLength(),
                            lm.config().contextLength());
                    out.printf(Locale.ROOT, "  perplexity of the model on its own story: %.3f over %d tokens%n",
                            ppl.perplexity(), ppl.tokens());
                }
            }
        } else {
            generate();
        }
        return 0;
    }

    private void generate() {
        try (LanguageModel lm = LanguageModel.load(model)) {
            stream(lm);
        }
    }

    /** Streams a continuation of {@code --prompt} to the output; returns the prompt and the generated text. */
    private String stream(LanguageModel lm) {
        GenerationConfig cfg = lm.generationDefaults().toBuilder()
                .maxNewTokens(Math.min(maxNewTokens, lm.config().contextLength() - lm.tokenizer().encode(prompt).length))
                .temperature(temperature).seed(seed).build();
        out.print(prompt);
        long start = System.nanoTime();
        Generation g = lm.stream(prompt, cfg, token -> out.print(token.text()));
        double seconds = (System.nanoTime() - start) / 1e9;
        out.println();
        out.printf(Locale.ROOT, "[%s: %d prompt + %d generated tokens in %.2f s, %.1f tokens/s]%n",
                g.finishReason(), g.promptTokens(), g.generatedTokens(), seconds, g.generatedTokens() / seconds);
        return prompt + g.text();
    }

    private void retrieval(Embedder embedder) {
        try (VectorIndex index = VectorIndex.inMemory(embedder)) {
            List<Chunk> chunks = new ArrayList<>();
            FACTS.forEach((id, text) -> chunks.add(Chunk.of(id, text, Map.of())));
            index.add(chunks);
            index.commit();
            for (Mode mode : Mode.values()) {
                List<Retrieval.Query> judged = new ArrayList<>();
                out.println("  " + mode + ":");
                for (Map.Entry<String, String> q : new java.util.TreeMap<>(QUESTIONS).entrySet()) {
                    List<String> ranked = index.search(SearchRequest.of(q.getKey(), mode, 3)).stream()
                            .map(SearchHit::id).toList();
                    out.printf(Locale.ROOT, "    %-52s -> %s%n", q.getKey(), ranked);
                    judged.add(Retrieval.Query.binary(ranked, Set.of(q.getValue())));
                }
                Retrieval.Summary s = Retrieval.mean(judged, 3);
                out.printf(Locale.ROOT, "    recall@1 %.2f   MRR %.3f   nDCG@3 %.3f%n",
                        Retrieval.mean(judged, 1).recall(), s.mrr(), s.ndcg());
            }
        }
    }

    /** {@code <llmops.shared.dir>/models/NAME} if it holds a checkpoint, else null. */
    private static Path sharedModel(String name) {
        String shared = System.getProperty("llmops.shared.dir");
        if (shared == null) {
            return null;
        }
        Path dir = Path.of(shared, "models", name);
        return Files.isRegularFile(dir.resolve("config.json")) ? dir : null;
    }

    private void similarityMatrix(Embedder embedder) {
        float[][] v = embedder.embed(SENTENCES);
        out.println("Embedder: " + embedder.id() + " (" + embedder.dimension() + " dimensions)");
        out.println("Cosine similarity of the sentences:");
        for (int i = 0; i < SENTENCES.size(); i++) {
            out.printf(Locale.ROOT, "  [%d] %s%n", i, SENTENCES.get(i));
        }
        out.print("      ");
        for (int j = 0; j < SENTENCES.size(); j++) {
            out.printf(Locale.ROOT, "  [%d] ", j);
        }
        out.println();
        for (int i = 0; i < v.length; i++) {
            out.printf(Locale.ROOT, "  [%d] ", i);
            for (float[] other : v) {
                out.printf(Locale.ROOT, " %5.3f", dot(v[i], other));
            }
            out.println();
        }
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
