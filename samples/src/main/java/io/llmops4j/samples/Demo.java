package io.llmops4j.samples;

import io.llmops4j.core.Embedder;
import io.llmops4j.core.Generation;
import io.llmops4j.core.GenerationConfig;
import io.llmops4j.core.LanguageModel;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end demo. With {@code --model DIR} it loads a Hugging Face checkpoint and streams a generation;
 * with no arguments it embeds a handful of sentences with the embedded all-MiniLM-L6-v2 model and prints their
 * cosine similarity matrix, so a fresh machine shows real model output without any download.
 */
@Command(name = "llmops4j-demo", mixinStandardHelpOptions = true,
        description = "Generate with a Hugging Face checkpoint, or (no arguments) compare sentences with the default embedder.")
public final class Demo implements Callable<Integer> {
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
            similarityMatrix();
        } else {
            generate();
        }
        return 0;
    }

    private void generate() {
        try (LanguageModel lm = LanguageModel.load(model)) {
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
        }
    }

    private void similarityMatrix() {
        try (Embedder embedder = Embedder.defaultModel()) {
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
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
