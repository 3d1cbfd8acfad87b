package io.llmops4j.bench.core;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.llmops4j.core.embed.OnnxEmbedder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Sentences per second of llmops4j's {@link OnnxEmbedder} against LangChain4j's own
 * {@link AllMiniLmL6V2EmbeddingModel}, both running the same all-MiniLM-L6-v2 ONNX file on the same 256 texts in
 * the same JMH run. The score of each benchmark is sentences/s ({@code @OperationsPerInvocation} = text count).
 *
 * <p>Equal results first: {@link #setUp()} embeds every text with both and fails the run unless each pair of
 * vectors has cosine &ge; 0.9999. LangChain4j's tokenizer truncates at 128 word pieces (the limit written in
 * the jar's tokenizer.json) while ours truncates at the model's real 256, so every text here is kept under 128
 * word pieces (also checked in set-up) and both see exactly the same tokens.
 *
 * <p>The host's speed drifts between the two benchmarks of a run (LangChain4j's score moved by a fifth between runs
 * minutes apart), so after each measurement iteration of {@link #llmops4j()} the two also run in alternating pairs
 * for {@value #PAIRED_SECONDS} s, each pair once in each order, and the end of the trial prints a {@code [paired]}
 * line: the geometric mean of the per-pair speed ratios with its 95% confidence interval.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(EmbedderBenchmark.TEXT_COUNT)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "--enable-native-access=ALL-UNNAMED"})
public class EmbedderBenchmark {
    static final int TEXT_COUNT = 256;
    /** LangChain4j's truncation limit (tokenizer.json of the model jar), special tokens included. */
    private static final int BASELINE_LIMIT = 128;
    private static final double MIN_COSINE = 0.9999;
    static final int PAIRED_SECONDS = 6;

    /**
     * Hand-written sentences of typical retrieval content (questions, facts, instructions, short passages), from
     * three words to a short paragraph; {@link #texts()} combines them into 256 texts of varied length.
     */
    private static final String[] SENTENCES = {
        "How do I reset my password?",
        "The quarterly report is due on Friday.",
        "Photosynthesis converts light energy into chemical energy stored in glucose.",
        "Where is the nearest train station?",
        "Our refund policy allows returns within thirty days of purchase, provided the item is unused and in its "
                + "original packaging.",
        "The mitochondria is often called the powerhouse of the cell.",
        "Set the environment variable before starting the server.",
        "Java virtual threads make blocking code scale to many concurrent requests.",
        "What are the side effects of ibuprofen?",
        "The Treaty of Westphalia ended the Thirty Years' War in 1648.",
        "Preheat the oven to 180 degrees and grease a round cake tin.",
        "Gradient descent updates each parameter in the direction that reduces the loss.",
        "Can I bring a pet on the plane?",
        "The library opens at nine in the morning on weekdays and at ten on Saturdays.",
        "A hash table offers constant expected time for insertions and lookups.",
        "Mount Everest is the highest mountain above sea level.",
        "Please attach your invoice number when contacting support.",
        "The central bank raised interest rates by a quarter of a percentage point.",
        "Vaccines train the immune system to recognise a pathogen without causing the disease.",
        "Which programming language should I learn first?",
        "The river flooded the valley after three days of heavy rain, forcing hundreds of families to leave "
                + "their homes.",
        "Compile the project with the release flag to enable optimisations.",
        "Shakespeare wrote Hamlet around the year 1600.",
        "The new smartphone has a larger battery and a brighter display.",
        "Is it safe to drink tap water in Lisbon?",
        "Electric cars convert a larger share of their stored energy into motion than petrol cars.",
        "The meeting has been moved to the small conference room on the third floor.",
        "Transformers replaced recurrence with attention over all positions of the input.",
        "Water boils at a lower temperature at high altitude because the air pressure is lower.",
        "How many days are there in a leap year?",
        "The museum's new exhibition covers two centuries of textile design.",
        "Back up the database before running the migration script.",
        "Honey never spoils if it is stored in a sealed container.",
        "She finished the marathon in just under four hours.",
        "Our team shipped the feature two weeks ahead of schedule.",
        "What is the difference between a virus and a bacterium?",
        "The Great Barrier Reef is the largest coral reef system in the world and can be seen from space.",
        "Rotate the API keys every ninety days and never commit them to version control.",
        "The violinist performed a sonata by Brahms to a full concert hall.",
        "A balanced diet includes vegetables, fruit, whole grains and protein.",
        "Why is the sky blue?",
        "Light scattered by small molecules in the atmosphere favours shorter blue wavelengths.",
        "The company reported record revenue but warned that margins would shrink next year.",
        "Use a stable sort when the relative order of equal keys matters.",
        "The bridge was closed for repairs after inspectors found cracks in two of its supports.",
        "Cats sleep for twelve to sixteen hours a day.",
        "Tomorrow will be sunny with a light breeze from the west.",
        "Encryption at rest protects data if a disk is stolen.",
        "The novel follows three generations of a family living on a remote island.",
        "How long does it take to get a passport renewed?",
        "Sourdough bread rises thanks to wild yeast and lactic acid bacteria.",
        "The committee will publish its final recommendations in the spring.",
        "Indexes speed up reads but slow down writes, so add them where queries need them.",
        "Jupiter has the shortest day of all the planets in the solar system.",
        "Remember to water the tomatoes every evening during the summer.",
        "The striker scored twice in the second half to win the match.",
        "Cloud storage costs depend on how much data you keep and how often you read it.",
        "Where can I find the user manual for this printer?",
        "A good night's sleep improves memory and concentration.",
        "The startup raised twelve million dollars to expand into Europe.",
        "Caching the embeddings avoids recomputing vectors for unchanged documents.",
        "The old lighthouse guided ships along the rocky coast for more than a century.",
        "Please confirm your attendance by replying to this email.",
        "Neural networks learn representations by adjusting millions of weights during training.",
    };

    private OnnxEmbedder ours;
    private AllMiniLmL6V2EmbeddingModel theirs;
    private List<String> texts;
    private List<TextSegment> segments;
    private final List<Double> pairedLogRatios = new ArrayList<>(); // ln(LangChain4j's time / ours) per pair

    /** 256 texts: single sentences, pairs and triples of sentences, in a fixed order. */
    static List<String> texts() {
        List<String> out = new ArrayList<>(TEXT_COUNT);
        int n = SENTENCES.length;
        for (int i = 0; out.size() < TEXT_COUNT; i++) {
            int a = i % n;
            switch (i % 4) {
                case 0, 1 -> out.add(SENTENCES[a]);
                case 2 -> out.add(SENTENCES[a] + " " + SENTENCES[(a + 17) % n]);
                default -> out.add(SENTENCES[a] + " " + SENTENCES[(a + 29) % n] + " " + SENTENCES[(a + 41) % n]);
            }
        }
        return out;
    }

    @Setup(Level.Trial)
    public void setUp() {
        ours = OnnxEmbedder.builder().build();
        theirs = new AllMiniLmL6V2EmbeddingModel();
        texts = texts();
        segments = texts.stream().map(TextSegment::from).toList();
        float[][] a = ours.embed(texts);
        List<Embedding> b = theirs.embedAll(segments).content();
        double minCosine = 1;
        int maxTokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            int tokens = ours.tokenEmbeddings(texts.get(i)).size();
            maxTokens = Math.max(maxTokens, tokens);
            if (tokens >= BASELINE_LIMIT) {
                throw new IllegalStateException("text " + i + " has " + tokens + " word pieces; the comparison "
                        + "needs fewer than " + BASELINE_LIMIT + " so that both embedders see the same tokens");
            }
            double cosine = cosine(a[i], b.get(i).vector());
            minCosine = Math.min(minCosine, cosine);
            if (cosine < MIN_COSINE) {
                throw new IllegalStateException("text " + i + ": cosine between llmops4j and LangChain4j is "
                        + cosine + ", below " + MIN_COSINE + ": \"" + texts.get(i) + "\"");
            }
        }
        System.out.printf("%nequal results: %d texts, longest %d word pieces, min cosine llmops4j vs LangChain4j "
                + "%.7f (required >= %s); llmops4j on %s, batch %d%n", texts.size(), maxTokens, minCosine,
                MIN_COSINE, ours.executionProvider(), ours.batchSize());
    }

    /** Alternating pairs after each measurement iteration of {@link #llmops4j()} (see the class description). */
    @TearDown(Level.Iteration)
    public void pairAfterIteration(BenchmarkParams benchmark, IterationParams iteration) {
        if (!benchmark.getBenchmark().endsWith(".llmops4j") || iteration.getType() != IterationType.MEASUREMENT) {
            return;
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(PAIRED_SECONDS);
        for (int pair = 0; System.nanoTime() < end; pair++) {
            boolean oursFirst = pair % 2 == 0;
            long first = oursFirst ? nanos(this::llmops4j) : nanos(this::langchain4j);
            long second = oursFirst ? nanos(this::langchain4j) : nanos(this::llmops4j);
            pairedLogRatios.add(Math.log(oursFirst ? (double) second / first : (double) first / second));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ours.close();
        int n = pairedLogRatios.size();
        if (n >= 2) {
            double mean = pairedLogRatios.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double variance = pairedLogRatios.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / (n - 1);
            double half = 1.96 * Math.sqrt(variance / n);
            System.out.printf("%n[paired] llmops4j is %.2fx LangChain4j's sentences/s (geometric mean of %d "
                    + "alternating pairs, 95%% CI %.2f-%.2fx)%n", Math.exp(mean), n, Math.exp(mean - half),
                    Math.exp(mean + half));
        }
    }

    private static long nanos(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return System.nanoTime() - start;
    }

    /**
     * llmops4j: length-sorted batches of at most 256 padded tokens, run in parallel on every core (one
     * single-threaded model run per core), tokenization split over the cores too.
     */
    @Benchmark
    public float[][] llmops4j() {
        return ours.embed(texts);
    }

    /** LangChain4j: one model run per text, texts spread over a thread pool of one thread per core. */
    @Benchmark
    public List<Embedding> langchain4j() {
        return theirs.embedAll(segments).content();
    }

    private static double cosine(float[] x, float[] y) {
        double dot = 0;
        double nx = 0;
        double ny = 0;
        for (int i = 0; i < x.length; i++) {
            dot += x[i] * (double) y[i];
            nx += x[i] * (double) x[i];
            ny += y[i] * (double) y[i];
        }
        return dot / Math.sqrt(nx * ny);
    }
}
