package io.llmops4j.core.embed;

import static io.llmops4j.core.embed.MiniLmExports.HIDDEN;
import static io.llmops4j.core.embed.MiniLmExports.TRANSFORMER;
import static io.llmops4j.core.embed.MiniLmExports.dot;
import static io.llmops4j.core.embed.MiniLmExports.mean;
import static io.llmops4j.core.embed.MiniLmExports.module;
import static io.llmops4j.core.embed.MiniLmExports.normalized;
import static io.llmops4j.core.embed.MiniLmExports.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmops4j.core.Embedder;
import io.llmops4j.core.ModelFormatException;
import io.llmops4j.core.safetensors.DType;
import io.llmops4j.core.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sentence-transformers {@code Dense} modules after pooling ({@code 2_Dense/config.json} plus
 * {@code 2_Dense/model.safetensors}), as in LaBSE or EmbeddingGemma. The real all-MiniLM-L6-v2 model gets Dense
 * folders with random weights written by {@link SafetensorsWriter}; every embedding, in padded batches and alone,
 * is compared with a double-precision reference computed here from the model's per-token vectors (one unpadded run
 * per text): pool, then {@code activation(W x + b)} per module, then normalise.
 */
class OnnxEmbedderDenseTest extends MiniLmExportTest {
    private static final List<String> TEXTS = List.of(
            "A short one.",
            "A considerably longer sentence, so that the shorter texts in its batch get padded a lot.",
            "x",
            "");

    /** One Dense module as the test wrote it: what the reference applies. */
    private record Layer(int in, int out, double[][] weight, double[] bias, DoubleUnaryOperator activation) {
        double[] apply(double[] x) {
            double[] y = new double[out];
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) {
                    s += weight[o][i] * x[i];
                }
                y[o] = activation.applyAsDouble(s);
            }
            return y;
        }
    }

    /**
     * Writes a Dense module into {@code dir/path}: its config (with {@code activation} as the activation_function
     * field's JSON, or no such field when null) and random weights of the form k/128, |k| <= 64, which F16 and
     * BF16 hold exactly, so the reference needs no rounding.
     */
    private static Layer dense(Path dir, String path, int in, int out, boolean bias, String activation,
                               DoubleUnaryOperator function, DType dtype, long seed) throws IOException {
        Random random = new Random(seed);
        double[][] w = new double[out][in];
        float[] wFlat = new float[out * in];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                w[o][i] = (random.nextInt(129) - 64) / 128.0;
                wFlat[o * in + i] = (float) w[o][i];
            }
        }
        double[] b = null;
        SafetensorsWriter writer = new SafetensorsWriter().add("linear.weight", dtype, new long[] {out, in}, wFlat);
        if (bias) {
            b = new double[out];
            float[] bFlat = new float[out];
            for (int o = 0; o < out; o++) {
                b[o] = (random.nextInt(129) - 64) / 128.0;
                bFlat[o] = (float) b[o];
            }
            writer.add("linear.bias", dtype, new long[] {out}, bFlat);
        }
        write(dir, path + "/config.json", "{\"in_features\": " + in + ", \"out_features\": " + out + ", \"bias\": "
                + bias + (activation == null ? "" : ", \"activation_function\": " + activation) + "}");
        writer.write(dir.resolve(path).resolve("model.safetensors"));
        return new Layer(in, out, w, b, function);
    }

    private static Path export(String pooling, String... moduleTypesAndPaths) throws IOException {
        Path dir = exports.export();
        StringBuilder modules = new StringBuilder("[" + TRANSFORMER);
        for (int i = 0; i < moduleTypesAndPaths.length; i += 2) {
            modules.append(", ").append(module(i / 2 + 1, moduleTypesAndPaths[i + 1], moduleTypesAndPaths[i]));
        }
        write(dir, "modules.json", modules + "]");
        write(dir, "1_Pooling/config.json", "{\"word_embedding_dimension\": 384, \"pooling_mode\": \"" + pooling
                + "\"}");
        return dir;
    }

    /** Loads {@code dir} and compares every text's embedding, batched and alone, with the reference. */
    private static void assertEmbeds(Path dir, boolean cls, boolean normalize, Layer... layers) {
        try (OnnxEmbedder loaded = OnnxEmbedder.load(dir)) {
            int width = layers[layers.length - 1].out();
            assertEquals(width, loaded.dimension());
            assertEquals(HIDDEN, loaded.hiddenSize());
            float[][] batched = loaded.embed(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                float[][] tokens = reference.tokenEmbeddings(TEXTS.get(i)).vectors();
                double[] v = cls ? toDouble(tokens[0]) : mean(tokens, 0);
                for (Layer layer : layers) {
                    v = layer.apply(v);
                }
                if (normalize) {
                    v = normalized(v);
                }
                assertClose(v, batched[i], "batched, text " + i);
                assertClose(v, loaded.embed(TEXTS.get(i)), "alone, text " + i);
            }
        }
    }

    @Test
    void clsThenDenseTanhWithBiasThenNormalizeAsInLabse() throws IOException {
        Path dir = export("cls", "Pooling", "1_Pooling", "Dense", "2_Dense", "Normalize", "3_Normalize");
        Layer layer = dense(dir, "2_Dense", HIDDEN, 24, true, "\"torch.nn.modules.activation.Tanh\"", Math::tanh,
                DType.F32, 1);
        assertEmbeds(dir, true, true, layer);
        try (OnnxEmbedder loaded = OnnxEmbedder.load(dir)) {
            assertTrue(loaded.id().matches("export\\d+-[0-9a-f]{12}-cls-dense-[0-9a-f]{12}"), loaded.id());
            assertTrue(loaded.normalizes());
        }
    }

    @Test
    void chainedDenseModulesApplyInModuleOrderWithHalfPrecisionWeights() throws IOException {
        // EmbeddingGemma's layout: mean pooling, two bias-free Identity projections (up, then down), Normalize;
        // here without Normalize, so that the raw projected values are compared
        Path dir = export("mean", "Pooling", "1_Pooling", "Dense", "2_Dense", "Dense", "3_Dense");
        Layer up = dense(dir, "2_Dense", HIDDEN, 40, false, "\"torch.nn.modules.linear.Identity\"", x -> x,
                DType.F16, 2);
        Layer down = dense(dir, "3_Dense", 40, 8, true, "\"torch.nn.Tanh\"", Math::tanh, DType.BF16, 3);
        assertEmbeds(dir, false, false, up, down);
    }

    @Test
    void reluSigmoidAndTheDefaultActivations() throws IOException {
        Path dir = export("mean", "Pooling", "1_Pooling", "Dense", "2_Dense", "Dense", "3_Dense", "Dense",
                "4_Dense", "Dense", "5_Dense", "Normalize", "6_Normalize");
        Layer relu = dense(dir, "2_Dense", HIDDEN, 12, true, "\"torch.nn.modules.activation.ReLU\"",
                x -> Math.max(0, x), DType.F32, 4);
        Layer sigmoid = dense(dir, "3_Dense", 12, 10, true, "\"torch.nn.modules.activation.Sigmoid\"",
                x -> 1 / (1 + Math.exp(-x)), DType.F32, 5);
        // Dense's defaults: no field means Tanh, null means Identity
        Layer absent = dense(dir, "4_Dense", 10, 9, true, null, Math::tanh, DType.F32, 6);
        Layer none = dense(dir, "5_Dense", 9, 7, true, "null", x -> x, DType.F32, 7);
        assertEmbeds(dir, false, true, relu, sigmoid, absent, none);
    }

    @Test
    void theIdNamesTheDenseWeights() throws IOException {
        Path a = export("mean", "Pooling", "1_Pooling", "Dense", "2_Dense", "Normalize", "3_Normalize");
        dense(a, "2_Dense", HIDDEN, 16, true, "\"torch.nn.modules.activation.Tanh\"", Math::tanh, DType.F32, 8);
        Path b = export("mean", "Pooling", "1_Pooling", "Dense", "2_Dense", "Normalize", "3_Normalize");
        dense(b, "2_Dense", HIDDEN, 16, true, "\"torch.nn.modules.activation.Tanh\"", Math::tanh, DType.F32, 9);
        try (OnnxEmbedder ea = OnnxEmbedder.load(a); OnnxEmbedder eb = OnnxEmbedder.load(b)) {
            // mean + Normalize adds no pooling suffix; the Dense hash tells the two apart
            assertTrue(ea.id().matches("export\\d+-[0-9a-f]{12}-dense-[0-9a-f]{12}"), ea.id());
            String hashA = ea.id().substring(ea.id().lastIndexOf('-'));
            String hashB = eb.id().substring(eb.id().lastIndexOf('-'));
            assertNotEquals(hashA, hashB);
            assertEquals(1.0, Math.sqrt(dot(ea.embed("unit"), ea.embed("unit"))), 1e-5);
        }
    }

    // ---- bad Dense modules ----

    private interface Breaker {
        void breakIt(Path dir) throws IOException;
    }

    private static final String TANH = "\"torch.nn.modules.activation.Tanh\"";

    static Stream<Arguments> badDense() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("weights file missing", (Breaker) dir -> {
            dense(dir, "2_Dense", HIDDEN, 16, true, TANH, Math::tanh, DType.F32, 1);
            Files.delete(dir.resolve("2_Dense/model.safetensors"));
        }, List.of("2_Dense", "model.safetensors", "not found")));
        cases.add(Arguments.of("only pytorch_model.bin", (Breaker) dir -> {
            dense(dir, "2_Dense", HIDDEN, 16, true, TANH, Math::tanh, DType.F32, 1);
            Files.move(dir.resolve("2_Dense/model.safetensors"), dir.resolve("2_Dense/pytorch_model.bin"));
        }, List.of("2_Dense", "model.safetensors", "only pytorch_model.bin", "needed as safetensors")));
        cases.add(Arguments.of("weight stored [in, out]", (Breaker) dir -> {
            dense(dir, "2_Dense", HIDDEN, 16, false, TANH, Math::tanh, DType.F32, 1);
            new SafetensorsWriter().add("linear.weight", DType.F32, new long[] {HIDDEN, 16}, new float[HIDDEN * 16])
                    .write(dir.resolve("2_Dense/model.safetensors"));
        }, List.of("2_Dense", "model.safetensors", "tensor 'linear.weight'", "expected shape [16, 384]",
                "found [384, 16]")));
        cases.add(Arguments.of("bias missing", (Breaker) dir -> {
            dense(dir, "2_Dense", HIDDEN, 16, false, TANH, Math::tanh, DType.F32, 1);
            write(dir, "2_Dense/config.json", "{\"in_features\": 384, \"out_features\": 16, \"bias\": true, "
                    + "\"activation_function\": " + TANH + "}");
        }, List.of("2_Dense", "model.safetensors", "tensor 'linear.bias' of shape [16] not found")));
        cases.add(Arguments.of("bias present though bias is false", (Breaker) dir -> {
            dense(dir, "2_Dense", HIDDEN, 16, true, TANH, Math::tanh, DType.F32, 1);
            write(dir, "2_Dense/config.json", "{\"in_features\": 384, \"out_features\": 16, \"bias\": false, "
                    + "\"activation_function\": " + TANH + "}");
        }, List.of("model.safetensors", "unexpected tensor 'linear.bias'", "expected only [linear.weight]",
                "bias: false")));
        cases.add(Arguments.of("bias of the wrong length", (Breaker) dir -> {
            dense(dir, "2_Dense", HIDDEN, 16, false, TANH, Math::tanh, DType.F32, 1);
            new SafetensorsWriter().add("linear.weight", DType.F32, new long[] {16, HIDDEN}, new float[16 * HIDDEN])
                    .add("linear.bias", DType.F32, new long[] {15}, new float[15])
                    .write(dir.resolve("2_Dense/model.safetensors"));
            write(dir, "2_Dense/config.json", "{\"in_features\": 384, \"out_features\": 16, \"bias\": true}");
        }, List.of("tensor 'linear.bias'", "expected shape [16]", "found [15]")));
        cases.add(Arguments.of("integer weights", (Breaker) dir -> {
            dense(dir, "2_Dense", HIDDEN, 2, false, TANH, Math::tanh, DType.F32, 1);
            new SafetensorsWriter().addRaw("linear.weight", DType.I32, new long[] {2, HIDDEN}, new byte[8 * HIDDEN])
                    .write(dir.resolve("2_Dense/model.safetensors"));
        }, List.of("tensor 'linear.weight'", "dtype I32", "expected one of F32, F16, BF16")));
        cases.add(Arguments.of("unknown activation", (Breaker) dir -> dense(dir, "2_Dense", HIDDEN, 16, true,
                "\"torch.nn.modules.activation.GELU\"", Math::tanh, DType.F32, 1),
                List.of("2_Dense", "config.json", "field 'activation_function'", "expected one of",
                        "torch.nn.modules.activation.Tanh", "torch.nn.modules.linear.Identity",
                        "found \"torch.nn.modules.activation.GELU\"")));
        cases.add(Arguments.of("activation from outside torch.nn", (Breaker) dir -> dense(dir, "2_Dense", HIDDEN,
                16, true, "\"os.system\"", Math::tanh, DType.F32, 1),
                List.of("field 'activation_function'", "found \"os.system\"")));
        cases.add(Arguments.of("in_features is not the pooled width", (Breaker) dir -> dense(dir, "2_Dense", 768,
                16, true, TANH, Math::tanh, DType.F32, 1),
                List.of("2_Dense", "config.json", "field 'in_features'", "expected 384",
                        "1 pooling mode(s) x hidden size 384", "found 768")));
        cases.add(Arguments.of("in_features missing", (Breaker) dir -> write(dir, "2_Dense/config.json",
                "{\"out_features\": 16}"),
                List.of("2_Dense", "config.json", "field 'in_features'", "expected a positive integer",
                        "found no such field")));
        cases.add(Arguments.of("out_features not a number", (Breaker) dir -> write(dir, "2_Dense/config.json",
                "{\"in_features\": 384, \"out_features\": \"16\"}"),
                List.of("field 'out_features'", "expected a positive integer", "found \"16\"")));
        cases.add(Arguments.of("unknown config field", (Breaker) dir -> write(dir, "2_Dense/config.json",
                "{\"in_features\": 384, \"out_features\": 16, \"dropout\": 0.1}"),
                List.of("2_Dense", "config.json", "unknown field 'dropout'", "expected only", "in_features",
                        "found 0.1")));
        cases.add(Arguments.of("Dense on the token vectors", (Breaker) dir -> write(dir, "2_Dense/config.json",
                "{\"in_features\": 384, \"out_features\": 16, \"module_input_name\": \"token_embeddings\"}"),
                List.of("field 'module_input_name'", "expected 'sentence_embedding'", "pooled vector only",
                        "found \"token_embeddings\"")));
        cases.add(Arguments.of("config missing", (Breaker) dir -> Files.createDirectories(dir.resolve("2_Dense")),
                List.of("2_Dense", "config.json", "not found")));
        cases.add(Arguments.of("config malformed", (Breaker) dir -> write(dir, "2_Dense/config.json",
                "{\"in_features\": 384,"), List.of("2_Dense", "config.json", "malformed JSON")));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDense")
    void badDenseModuleIsRejectedNamingFileFieldAndWhatWasFound(String what, Breaker breaker, List<String> fragments)
            throws IOException {
        Path dir = export("mean", "Pooling", "1_Pooling", "Dense", "2_Dense", "Normalize", "3_Normalize");
        breaker.breakIt(dir);
        assertRejected(dir, what, fragments);
    }

    @Test
    void chainedWidthsMustMatch() throws IOException {
        Path dir = export("mean", "Pooling", "1_Pooling", "Dense", "2_Dense", "Dense", "3_Dense");
        dense(dir, "2_Dense", HIDDEN, 32, true, TANH, Math::tanh, DType.F32, 1);
        dense(dir, "3_Dense", 24, 8, true, TANH, Math::tanh, DType.F32, 2);
        assertRejected(dir, "chain", List.of("3_Dense", "config.json", "field 'in_features'", "expected 32",
                "out_features of the Dense module before it", "found 24"));
    }

    @Test
    void denseMustComeAfterPoolingAndBeforeNormalize() throws IOException {
        Path before = export("mean", "Dense", "2_Dense", "Pooling", "1_Pooling");
        dense(before, "2_Dense", HIDDEN, 8, true, TANH, Math::tanh, DType.F32, 1);
        assertRejected(before, "Dense before Pooling", List.of("modules.json", "field 'type' of module 1",
                "expected sentence_transformers.models.Dense after a sentence_transformers.models.Pooling module",
                "found it before"));
        Path after = export("mean", "Pooling", "1_Pooling", "Normalize", "2_Normalize", "Dense", "3_Dense");
        dense(after, "3_Dense", HIDDEN, 8, true, TANH, Math::tanh, DType.F32, 1);
        assertRejected(after, "Dense after Normalize", List.of("modules.json", "field 'type' of module 3",
                "expected sentence_transformers.models.Dense before sentence_transformers.models.Normalize",
                "found it after"));
    }

    private static void assertRejected(Path dir, String what, List<String> fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Embedder.load(dir), what);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), what + ": '" + fragment + "' not in: " + e.getMessage());
        }
    }

    private static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static void assertClose(double[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int d = 0; d < want.length; d++) {
            // padding changes the model's float rounding a little, and a projection adds up hundreds of such errors
            assertEquals(want[d], got[d], 5e-5 * Math.max(1, Math.abs(want[d])), what + " dim " + d);
        }
    }
}
