package io.llmops4j.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmops4j.core.Embedder;
import io.llmops4j.core.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link OnnxEmbedder#load(Path)} pools and normalises as the export's {@code modules.json} and
 * {@code 1_Pooling/config.json} say. The real all-MiniLM-L6-v2 ONNX model and tokenizer are copied into directories
 * with different sentence-transformers configs, and every pooled vector, embedded in padded batches, is compared
 * with one computed here with plain loops from the model's per-token vectors ({@link TokenEmbeddings}, one unpadded
 * run per text).
 */
class OnnxEmbedderPoolingTest extends MiniLmExportTest {
    private static final int HIDDEN = 384;
    private static final String TRANSFORMER = """
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}""";
    private static final String POOLING = """
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}""";
    private static final String NORMALIZE = """
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}""";
    private static final String WITH_NORMALIZE = "[" + TRANSFORMER + ", " + POOLING + ", " + NORMALIZE + "]";
    private static final String WITHOUT_NORMALIZE = "[" + TRANSFORMER + ", " + POOLING + "]";
    /** Different lengths, so that in one call the shorter texts are padded to the longer ones of their batch. */
    private static final List<String> TEXTS = List.of(
            "A short one.",
            "A considerably longer sentence, written so that the shorter texts in its batch get padded a lot.",
            "x",
            "Pooling modes pick different tokens from the same hidden states.",
            "");

    /** A sentence-transformers export directory: the model, its tokenizer, and the given config files (if any). */
    private static Path export(String modulesJson, String poolingConfig) throws IOException {
        Path dir = exports.export();
        if (modulesJson != null) {
            MiniLmExports.write(dir, "modules.json", modulesJson);
        }
        if (poolingConfig != null) {
            MiniLmExports.write(dir, "1_Pooling/config.json", poolingConfig);
        }
        return dir;
    }

    /** A pooling config as sentence-transformers saves it, with the given modes on. */
    private static String poolingConfig(PoolingMode... modes) {
        Set<PoolingMode> on = Set.of(modes);
        StringBuilder json = new StringBuilder("{\"word_embedding_dimension\": " + HIDDEN);
        for (PoolingMode mode : PoolingMode.values()) {
            json.append(", \"").append(mode.configField()).append("\": ").append(on.contains(mode));
        }
        return json.append(", \"include_prompt\": true}").toString();
    }

    // ---- the expected vectors, from the per-token vectors with plain loops ----

    private static float[] cls(float[][] tokens) {
        return tokens[0].clone();
    }

    private static float[] lastToken(float[][] tokens) {
        return tokens[tokens.length - 1].clone();
    }

    private static float[] max(float[][] tokens) {
        float[] out = tokens[0].clone();
        for (float[] row : tokens) {
            for (int d = 0; d < HIDDEN; d++) {
                if (row[d] > out[d]) {
                    out[d] = row[d];
                }
            }
        }
        return out;
    }

    private static double[] sum(float[][] tokens, boolean positionWeighted) {
        double[] sum = new double[HIDDEN];
        for (int t = 0; t < tokens.length; t++) {
            for (int d = 0; d < HIDDEN; d++) {
                sum[d] += (positionWeighted ? t + 1 : 1) * (double) tokens[t][d];
            }
        }
        return sum;
    }

    private static float[] divide(double[] sum, double by) {
        float[] out = new float[sum.length];
        for (int d = 0; d < sum.length; d++) {
            out[d] = (float) (sum[d] / by);
        }
        return out;
    }

    private static float[] mean(float[][] tokens) {
        return divide(sum(tokens, false), tokens.length);
    }

    private static float[] meanSqrtLen(float[][] tokens) {
        return divide(sum(tokens, false), Math.sqrt(tokens.length));
    }

    private static float[] weightedMean(float[][] tokens) {
        double weights = 0;
        for (int t = 0; t < tokens.length; t++) {
            weights += t + 1;
        }
        return divide(sum(tokens, true), weights);
    }

    private static float[] concat(float[]... parts) {
        float[] out = new float[parts.length * HIDDEN];
        for (int p = 0; p < parts.length; p++) {
            System.arraycopy(parts[p], 0, out, p * HIDDEN, HIDDEN);
        }
        return out;
    }

    private static float[] normalized(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        return divide(toDouble(v), Math.sqrt(norm));
    }

    private static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private interface Expected {
        float[] of(float[][] tokens);
    }

    /**
     * Loads {@code dir}, embeds {@link #TEXTS} in one call (padded batches) and one by one, and compares both with
     * {@code expected} applied to each text's per-token vectors.
     */
    private static void assertPools(Path dir, Expected expected, int modes, boolean normalized) {
        try (OnnxEmbedder loaded = OnnxEmbedder.load(dir)) {
            assertEquals(modes * HIDDEN, loaded.dimension());
            assertEquals(HIDDEN, loaded.hiddenSize());
            assertEquals(normalized, loaded.normalizes());
            float[][] batched = loaded.embed(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                float[][] tokens = reference.tokenEmbeddings(TEXTS.get(i)).vectors();
                float[] want = expected.of(tokens);
                assertClose(want, batched[i], "batched, text " + i);
                assertClose(want, loaded.embed(TEXTS.get(i)), "alone, text " + i);
                assertEquals(normalized, Math.abs(Math.sqrt(dot(batched[i], batched[i])) - 1) < 1e-5,
                        "norm of text " + i + ": " + Math.sqrt(dot(batched[i], batched[i])));
            }
        }
    }

    @Test
    void clsWithNormalize() throws IOException {
        assertPools(export(WITH_NORMALIZE, poolingConfig(PoolingMode.CLS)), t -> normalized(cls(t)), 1, true);
    }

    @Test
    void clsWithoutNormalizeIsTheRawFirstTokenVector() throws IOException {
        assertPools(export(WITHOUT_NORMALIZE, poolingConfig(PoolingMode.CLS)), OnnxEmbedderPoolingTest::cls, 1,
                false);
    }

    @Test
    void maxOverTheRealTokens() throws IOException {
        // padding must not take part: padded positions of short texts would otherwise win some maxima
        assertPools(export(WITHOUT_NORMALIZE, poolingConfig(PoolingMode.MAX)), OnnxEmbedderPoolingTest::max, 1,
                false);
    }

    @Test
    void meanWithoutNormalize() throws IOException {
        assertPools(export(WITHOUT_NORMALIZE, poolingConfig(PoolingMode.MEAN)), OnnxEmbedderPoolingTest::mean, 1,
                false);
    }

    @Test
    void lastTokenIsTheLastRealTokenNotPadding() throws IOException {
        TokenEmbeddings tokens = reference.tokenEmbeddings(TEXTS.get(0));
        assertEquals("[SEP]", tokens.tokens().get(tokens.size() - 1)); // what lasttoken picks for a BERT tokenizer
        assertPools(export(WITH_NORMALIZE, poolingConfig(PoolingMode.LAST_TOKEN)), t -> normalized(lastToken(t)),
                1, true);
    }

    @Test
    void meanSqrtLenDividesTheSumByTheRootOfTheTokenCount() throws IOException {
        assertPools(export(WITHOUT_NORMALIZE, poolingConfig(PoolingMode.MEAN_SQRT_LEN)),
                OnnxEmbedderPoolingTest::meanSqrtLen, 1, false);
    }

    @Test
    void weightedMeanWeightsTokensByOneBasedPosition() throws IOException {
        assertPools(export(WITHOUT_NORMALIZE, poolingConfig(PoolingMode.WEIGHTED_MEAN)),
                OnnxEmbedderPoolingTest::weightedMean, 1, false);
    }

    @Test
    void severalModesConcatenateInSentenceTransformersOrderThenNormalizeTogether() throws IOException {
        // fields in the file in a different order than sentence-transformers concatenates them
        String config = """
                {"pooling_mode_lasttoken": true, "pooling_mode_mean_tokens": true, "pooling_mode_max_tokens": true,
                 "pooling_mode_cls_token": true, "word_embedding_dimension": 384}""";
        assertPools(export(WITH_NORMALIZE, config),
                t -> normalized(concat(cls(t), max(t), mean(t), lastToken(t))), 4, true);
        assertPools(export(WITHOUT_NORMALIZE, config), t -> concat(cls(t), max(t), mean(t), lastToken(t)), 4,
                false);
    }

    @Test
    void aMissingMeanFieldMeansMeanIsOnAsInSentenceTransformers() throws IOException {
        // Pooling's pooling_mode_mean_tokens defaults to true, every other mode to false
        assertPools(export(WITHOUT_NORMALIZE, "{\"pooling_mode_cls_token\": true}"),
                t -> concat(cls(t), mean(t)), 2, false);
    }

    @Test
    void thePoolingModeStringOverridesTheBooleans() throws IOException {
        assertPools(export(WITHOUT_NORMALIZE, "{\"pooling_mode\": \"LastToken\", \"pooling_mode_mean_tokens\": true}"),
                OnnxEmbedderPoolingTest::lastToken, 1, false);
    }

    @Test
    void thePoolingDirectoryIsTheOneModulesJsonNames() throws IOException {
        String modules = "[" + TRANSFORMER + ", "
                + POOLING.replace("\"1_Pooling\"", "\"pool\"") + ", "
                + NORMALIZE + "]";
        Path dir = export(modules, poolingConfig(PoolingMode.MEAN)); // 1_Pooling says mean: not the one read
        Files.createDirectories(dir.resolve("pool"));
        Files.writeString(dir.resolve("pool").resolve("config.json"), poolingConfig(PoolingMode.CLS));
        assertPools(dir, t -> normalized(cls(t)), 1, true);
    }

    @Test
    void withoutModulesJsonThePoolingConfigIsReadAndVectorsAreNormalized() throws IOException {
        assertPools(export(null, poolingConfig(PoolingMode.CLS)), t -> normalized(cls(t)), 1, true);
    }

    @Test
    void withoutEitherFileItIsMeanAndNormalizeAsBefore() throws IOException {
        assertPools(export(null, null), t -> normalized(mean(t)), 1, true);
        try (OnnxEmbedder embedded = OnnxEmbedder.builder().build()) {
            assertEquals(Set.of(PoolingMode.MEAN), embedded.pooling());
            assertTrue(embedded.normalizes());
            assertTrue(embedded.id().matches("all-MiniLM-L6-v2-[0-9a-f]{12}"), embedded.id()); // no pooling suffix
        }
        try (OnnxEmbedder st = OnnxEmbedder.load(export(WITH_NORMALIZE, poolingConfig(PoolingMode.MEAN)))) {
            assertTrue(st.id().matches("export\\d+-[0-9a-f]{12}"), st.id()); // mean + Normalize: id as before
        }
        try (OnnxEmbedder st = OnnxEmbedder.load(export(WITHOUT_NORMALIZE, poolingConfig(PoolingMode.MEAN)))) {
            assertTrue(st.id().matches("export\\d+-[0-9a-f]{12}-mean-unnormalized"), st.id());
        }
    }

    @Test
    void theModesReallyDiffer() throws IOException {
        // guards the tests above against passing because every mode happened to give the same vector
        float[][] tokens = reference.tokenEmbeddings(TEXTS.get(1)).vectors();
        List<float[]> vectors = List.of(cls(tokens), lastToken(tokens), max(tokens), mean(tokens),
                meanSqrtLen(tokens), weightedMean(tokens));
        for (int a = 0; a < vectors.size(); a++) {
            for (int b = a + 1; b < vectors.size(); b++) {
                double[] x = toDouble(vectors.get(a));
                double[] y = toDouble(vectors.get(b));
                double diff = 0;
                for (int d = 0; d < HIDDEN; d++) {
                    diff = Math.max(diff, Math.abs(x[d] - y[d]));
                }
                assertTrue(diff > 0.05, "modes " + a + " and " + b + " differ by only " + diff);
            }
        }
    }

    @Test
    void builderModesAndTokenVectorsAreUnchanged() {
        try (OnnxEmbedder maxCls = OnnxEmbedder.builder().device(OnnxEmbedder.Device.CPU).threads(1)
                .pooling(PoolingMode.MAX, PoolingMode.CLS).normalize(false).build()) {
            assertEquals(List.of(PoolingMode.CLS, PoolingMode.MAX), new ArrayList<>(maxCls.pooling()));
            assertEquals(2 * HIDDEN, maxCls.dimension());
            // same weights, other vectors: the id says so, so an index built with mean pooling refuses it
            assertEquals(reference.id() + "-cls+max-unnormalized", maxCls.id());
            String text = TEXTS.get(3);
            float[][] tokens = reference.tokenEmbeddings(text).vectors();
            assertClose(concat(cls(tokens), max(tokens)), maxCls.embed(text), "builder cls+max");
            // the per-token path (BERTScore) does not depend on the pooling
            TokenEmbeddings got = maxCls.tokenEmbeddings(text);
            assertEquals(reference.tokenEmbeddings(text).tokens(), got.tokens());
            for (int t = 0; t < tokens.length; t++) {
                assertArrayEquals(tokens[t], got.vectors()[t], "token " + t);
            }
        }
    }

    // ---- malformed or unsupported configs ----

    static Stream<Arguments> badConfigs() {
        String layerNorm = "[" + TRANSFORMER + ", " + POOLING + ", "
                + NORMALIZE.replace("Normalize", "LayerNorm") + "]";
        String normalizeFirst = "[" + TRANSFORMER + ", " + NORMALIZE.replace("\"idx\": 2", "\"idx\": 1") + ", "
                + POOLING.replace("\"idx\": 1", "\"idx\": 2") + "]";
        String mean = poolingConfig(PoolingMode.MEAN);
        return Stream.of(
                Arguments.of("unknown mode field", WITH_NORMALIZE, "{\"pooling_mode_median_tokens\": true}",
                        List.of("1_Pooling", "config.json", "unknown field 'pooling_mode_median_tokens'",
                                "expected only", "pooling_mode_lasttoken", "found true")),
                Arguments.of("unknown pooling_mode string", WITH_NORMALIZE, "{\"pooling_mode\": \"median\"}",
                        List.of("config.json", "field 'pooling_mode'", "expected one of", "mean_sqrt_len_tokens",
                                "found \"median\"")),
                Arguments.of("mode flag not a boolean", WITH_NORMALIZE, "{\"pooling_mode_cls_token\": \"yes\"}",
                        List.of("config.json", "field 'pooling_mode_cls_token'", "expected true or false",
                                "found \"yes\"")),
                Arguments.of("include_prompt not a boolean", WITH_NORMALIZE, "{\"include_prompt\": 1}",
                        List.of("config.json", "field 'include_prompt'", "expected true or false", "found 1")),
                Arguments.of("no mode on", WITH_NORMALIZE, "{\"pooling_mode_mean_tokens\": false}",
                        List.of("config.json", "no pooling mode is on", "pooling_mode_cls_token", "found all false")),
                Arguments.of("hidden size differs", WITH_NORMALIZE, "{\"word_embedding_dimension\": 768}",
                        List.of("config.json", "field 'word_embedding_dimension'", "expected", "384", "found 768")),
                Arguments.of("hidden size not an integer", WITH_NORMALIZE, "{\"word_embedding_dimension\": \"384\"}",
                        List.of("config.json", "field 'word_embedding_dimension'", "expected a positive integer",
                                "found \"384\"")),
                Arguments.of("pooling config malformed JSON", WITH_NORMALIZE, "{\"pooling_mode_cls_token\": tru",
                        List.of("config.json", "malformed JSON")),
                Arguments.of("pooling config not an object", WITH_NORMALIZE, "[\"cls\"]",
                        List.of("config.json", "expected a JSON object", "found an array")),
                Arguments.of("modules.json malformed JSON", "[" + TRANSFORMER, mean,
                        List.of("modules.json", "malformed JSON")),
                Arguments.of("modules.json not an array", "{\"0\": \"Transformer\"}", mean,
                        List.of("modules.json", "expected a JSON array of modules", "found an object")),
                Arguments.of("module without type", "[" + TRANSFORMER + ", {\"path\": \"1_Pooling\"}]", mean,
                        List.of("modules.json", "field 'type' of module 1", "expected a string",
                                "found no such field")),
                Arguments.of("first module not a transformer", "[" + POOLING + "]", mean,
                        List.of("modules.json", "field 'type' of module 0", "sentence_transformers.models.Transformer",
                                "found sentence_transformers.models.Pooling")),
                Arguments.of("unsupported module", layerNorm, mean,
                        List.of("modules.json", "field 'type' of module 2", "expected", "Dense", "Normalize",
                                "found sentence_transformers.models.LayerNorm")),
                Arguments.of("no pooling module", "[" + TRANSFORMER + "]", mean,
                        List.of("modules.json", "expected a sentence_transformers.models.Pooling module",
                                "found types [sentence_transformers.models.Transformer]")),
                Arguments.of("normalize before pooling", normalizeFirst, mean,
                        List.of("modules.json", "field 'type' of module 1", "Normalize after a",
                                "found it before")),
                Arguments.of("two pooling modules", "[" + TRANSFORMER + ", " + POOLING + ", " + POOLING + "]", mean,
                        List.of("modules.json", "field 'type' of module 2", "expected one", "found a second one")),
                Arguments.of("pooling path not a string", "[" + TRANSFORMER + ", "
                                + POOLING.replace("\"1_Pooling\"", "1") + "]", mean,
                        List.of("modules.json", "field 'path' of module 1", "expected", "found 1")),
                Arguments.of("pooling path outside the export", "[" + TRANSFORMER + ", "
                                + POOLING.replace("\"1_Pooling\"", "\"../elsewhere\"") + "]", mean,
                        List.of("modules.json", "field 'path'", "expected a directory inside",
                                "found '../elsewhere'")),
                Arguments.of("pooling config missing", WITH_NORMALIZE, null,
                        List.of("1_Pooling", "config.json", "not found", "modules.json")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badConfigIsRejectedNamingFileFieldAndWhatWasFound(String what, String modules, String pooling,
                                                           List<String> fragments) throws IOException {
        Path dir = export(modules, pooling);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Embedder.load(dir), what);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), what + ": '" + fragment + "' not in: " + e.getMessage());
        }
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int d = 0; d < want.length; d++) {
            // 1e-5 of the value's size: padding changes the model's float rounding a little
            assertEquals(want[d], got[d], 1e-5 * Math.max(1, Math.abs(want[d])) + 1e-5, what + " dim " + d);
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * (double) b[i];
        }
        return s;
    }
}
