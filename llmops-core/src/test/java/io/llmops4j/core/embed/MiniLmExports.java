package io.llmops4j.core.embed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sentence-transformers export directories around the real all-MiniLM-L6-v2 ONNX model and tokenizer from the
 * LangChain4j jar (hard-linked, else copied, from one copy per test class), each with the config files a test
 * writes into it. Also the plain-loop helpers the tests compute their expected vectors with.
 */
final class MiniLmExports {
    static final int HIDDEN = 384;
    static final String TRANSFORMER = """
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}""";

    private final Path base;
    private final Path model;
    private final Path tokenizer;
    private final AtomicInteger dirs = new AtomicInteger();

    /** Copies the model and tokenizer into {@code base}, where the exports are created too. */
    MiniLmExports(Path base) throws IOException {
        this.base = base;
        this.model = base.resolve("model.onnx");
        this.tokenizer = base.resolve("tokenizer.json");
        try (InputStream m = OnnxEmbedder.class.getResourceAsStream("/all-minilm-l6-v2.onnx");
             InputStream t = OnnxEmbedder.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(m, model);
            Files.copy(t, tokenizer);
        }
    }

    /** A module entry of {@code modules.json}. */
    static String module(int idx, String path, String type) {
        return "{\"idx\": " + idx + ", \"name\": \"" + idx + "\", \"path\": \"" + path
                + "\", \"type\": \"sentence_transformers.models." + type + "\"}";
    }

    /** A new export directory with {@code onnx/model.onnx} and {@code tokenizer.json}. */
    Path export() throws IOException {
        Path dir = base.resolve("export" + dirs.incrementAndGet());
        Files.createDirectories(dir.resolve("onnx"));
        try {
            Files.createLink(dir.resolve("onnx").resolve("model.onnx"), model);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(model, dir.resolve("onnx").resolve("model.onnx"));
        }
        Files.copy(tokenizer, dir.resolve("tokenizer.json"));
        return dir;
    }

    /** {@code text} written to {@code dir/relative}, creating its directory. */
    static void write(Path dir, String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    // ---- plain-loop references ----

    static double[] mean(float[][] tokens, int from) {
        double[] mean = new double[tokens[0].length];
        for (int t = from; t < tokens.length; t++) {
            for (int d = 0; d < mean.length; d++) {
                mean[d] += tokens[t][d];
            }
        }
        for (int d = 0; d < mean.length; d++) {
            mean[d] /= tokens.length - from;
        }
        return mean;
    }

    static double[] normalized(double[] v) {
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        double[] out = new double[v.length];
        for (int d = 0; d < v.length; d++) {
            out[d] = v[d] / Math.sqrt(norm);
        }
        return out;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * (double) b[i];
        }
        return s;
    }
}
