package io.llmops4j.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmops4j.core.Embedder;
import io.llmops4j.core.InvalidRequestException;
import io.llmops4j.core.ModelFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The input and output layouts of real ONNX exports, on tiny models written by {@code layouts/make_layouts.py}
 * (see there): each token vector is {@code E[id] (+ T[type]) (+ P[position]) + n / 8}, with {@code n} the number of
 * real tokens of its row (or, without an attention mask, the padded length), so that a wrongly fed input, a padded
 * row where none should be, or the wrong output shows. Expected vectors are recomputed here with plain loops from
 * the same formulas and a word-level tokenizer written out by hand: split at spaces, keeping each space as a token.
 */
class OnnxEmbedderLayoutTest {
    private static final int HIDDEN = 4;
    private static final List<String> VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", " ", "alpha", "beta",
            "gamma", "delta", "epsilon", "zeta", "eta", "theta", "query:", "iota", "kappa");
    /** Texts of different lengths, so that one call pads the shorter ones. */
    private static final List<String> TEXTS = List.of("alpha", "beta gamma delta epsilon zeta", "", "eta theta",
            "iota kappa alpha beta");

    @TempDir
    Path base;
    private final AtomicInteger dirs = new AtomicInteger();

    // ---- the formulas of make_layouts.py ----

    private static double e(int v, int h) {
        return ((v * 5 + h * 3) % 11 - 5) / 4.0;
    }

    private static double t(int type, int h) {
        return 0.25 * (type + 1) * (h + 1);
    }

    private static double p(int position, int h) {
        return ((position * 7 + h) % 13 - 6) / 8.0;
    }

    /** Token ids as the fixture tokenizer makes them of an already prepared text, truncated at {@code max}. */
    private static List<Integer> ids(String text, int max) {
        List<Integer> ids = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (char c : (text + " ").toCharArray()) {
            if (c == ' ') {
                if (!word.isEmpty()) {
                    ids.add(Math.max(1, VOCAB.indexOf(word.toString())));
                    word.setLength(0);
                }
                ids.add(VOCAB.indexOf(" "));
            } else {
                word.append(c);
            }
        }
        ids.removeLast(); // the space added above
        List<Integer> out = new ArrayList<>();
        out.add(VOCAB.indexOf("[CLS]"));
        out.addAll(ids.subList(0, Math.min(ids.size(), max - 2)));
        out.add(VOCAB.indexOf("[SEP]"));
        return out;
    }

    private static double[][] tokenVectors(List<Integer> ids, boolean types, boolean positions) {
        double[][] rows = new double[ids.size()][HIDDEN];
        for (int i = 0; i < ids.size(); i++) {
            for (int h = 0; h < HIDDEN; h++) {
                rows[i][h] = e(ids.get(i), h) + (types ? t(0, h) : 0) + (positions ? p(i, h) : 0) + ids.size() / 8.0;
            }
        }
        return rows;
    }

    /** Mean pooling and L2 normalisation, what an export without modules.json gets. */
    private static double[] meanNormalized(double[][] rows) {
        double[] mean = new double[HIDDEN];
        for (double[] row : rows) {
            for (int h = 0; h < HIDDEN; h++) {
                mean[h] += row[h] / rows.length;
            }
        }
        double norm = 0;
        for (double v : mean) {
            norm += v * v;
        }
        for (int h = 0; h < HIDDEN; h++) {
            mean[h] /= Math.sqrt(norm);
        }
        return mean;
    }

    // ---- export directories ----

    /** A directory with fixture {@code name} at {@code modelPath} and the fixture tokenizer at {@code tokenizerPath}. */
    private Path export(String name, String modelPath, String tokenizerPath) throws IOException {
        Path dir = base.resolve("layout" + dirs.incrementAndGet());
        copy("layouts/" + name + ".onnx", dir.resolve(modelPath));
        copy("layouts/tokenizer.json", dir.resolve(tokenizerPath));
        return dir;
    }

    private Path export(String name) throws IOException {
        return export(name, "model.onnx", "tokenizer.json");
    }

    private static void copy(String resource, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (InputStream in = OnnxEmbedderLayoutTest.class.getResourceAsStream(resource)) {
            Files.copy(in, to);
        }
    }

    /** Embeds {@link #TEXTS} in one call and one by one and compares both with the recomputed vectors. */
    private static void assertEmbeds(OnnxEmbedder embedder, boolean types, boolean positions) {
        assertEquals(HIDDEN, embedder.dimension());
        float[][] batched = embedder.embed(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
            double[] want = meanNormalized(tokenVectors(ids(TEXTS.get(i), 512), types, positions));
            assertClose(want, batched[i], "batched, text " + i);
            assertClose(want, embedder.embed(TEXTS.get(i)), "alone, text " + i);
        }
    }

    // ---- supported layouts ----

    @Test
    void bertLayoutWithTokenTypeIds() throws IOException {
        try (OnnxEmbedder embedder = OnnxEmbedder.load(export("token_types"))) {
            assertEmbeds(embedder, true, false);
        }
    }

    @Test
    void withoutTokenTypeIdsTheTokenOutputIsPooledNotTheGraphsSentenceEmbedding() throws IOException {
        // sentence-transformers' own ONNX export: token_embeddings and a pooled sentence_embedding, in onnx/
        try (OnnxEmbedder embedder = OnnxEmbedder.load(export("token_embeddings_no_types", "onnx/model.onnx",
                "tokenizer.json"))) {
            assertEmbeds(embedder, false, false);
            assertEquals(HIDDEN, embedder.hiddenSize());
            TokenEmbeddings tokens = embedder.tokenEmbeddings("beta gamma");
            assertEquals(List.of("[CLS]", "beta", " ", "gamma", "[SEP]"), tokens.tokens());
            double[][] want = tokenVectors(ids("beta gamma", 512), false, false);
            for (int i = 0; i < want.length; i++) {
                assertClose(want[i], tokens.vectors()[i], "token " + i);
            }
        }
    }

    @Test
    void int32InputsPositionIdsAndHalfPrecisionOutput() throws IOException {
        // a decoder exported for feature extraction: position_ids count from 0 in every row, inputs are int32, and
        // ONNX Runtime hands the float16 output over as floats
        try (OnnxEmbedder embedder = OnnxEmbedder.load(export("decoder_int32_positions_fp16"))) {
            assertEmbeds(embedder, false, true);
        }
    }

    @Test
    void withoutAnAttentionMaskEveryTextRunsAloneUnpadded() throws IOException {
        // the fixture adds the padded length to every token: padding would show in every shorter text of a batch
        try (OnnxEmbedder embedder = OnnxEmbedder.load(export("ids_only"))) {
            assertEmbeds(embedder, false, false);
        }
    }

    @Test
    void aBatchSizeFixedAtOneRunsOneTextAtATime() throws IOException {
        try (OnnxEmbedder embedder = OnnxEmbedder.load(export("static_batch"))) {
            assertEmbeds(embedder, false, false);
        }
    }

    @Test
    void poolingInsideTheGraph() throws IOException {
        Path dir = export("pooled_only");
        MiniLmExports.write(dir, "modules.json", "[" + MiniLmExports.TRANSFORMER + ", "
                + MiniLmExports.module(1, "1_Pooling", "Pooling") + ", "
                + MiniLmExports.module(2, "2_Normalize", "Normalize") + "]");
        MiniLmExports.write(dir, "1_Pooling/config.json", "{\"word_embedding_dimension\": 4}");
        try (OnnxEmbedder embedder = OnnxEmbedder.load(dir)) {
            // the graph's masked mean, normalised here as modules.json says
            assertEmbeds(embedder, false, false);
            assertEquals(0, embedder.hiddenSize());
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> embedder.tokenEmbeddings("alpha"));
            assertTrue(e.getMessage().contains("no token vectors") && e.getMessage().contains("sentence_embedding"),
                    e.getMessage());
        }
        MiniLmExports.write(dir, "1_Pooling/config.json", "{\"word_embedding_dimension\": 8}");
        assertRejected(dir, null, List.of("1_Pooling", "field 'word_embedding_dimension'", "expected", "4",
                "pooled 'sentence_embedding' output is 4 wide", "found 8"));
    }

    @Test
    void poolingInsideTheGraphCannotLeaveAPromptOut() throws IOException {
        Path dir = export("pooled_only");
        MiniLmExports.write(dir, "modules.json", "[" + MiniLmExports.TRANSFORMER + ", "
                + MiniLmExports.module(1, "1_Pooling", "Pooling") + "]");
        MiniLmExports.write(dir, "1_Pooling/config.json", "{\"include_prompt\": true}");
        MiniLmExports.write(dir, "config_sentence_transformers.json", "{\"prompts\": {\"query\": \"query: \"}}");
        try (OnnxEmbedder embedder = OnnxEmbedder.load(dir)) {
            // "query: " + text; the graph pools the prompt with the text, as include_prompt asks; no Normalize here
            double[][] rows = tokenVectors(ids("query: alpha beta", 512), false, false);
            double[] mean = new double[HIDDEN];
            for (double[] row : rows) {
                for (int h = 0; h < HIDDEN; h++) {
                    mean[h] += row[h] / rows.length;
                }
            }
            assertClose(mean, embedder.embed("alpha beta", "query"), "query prompt");
        }
        MiniLmExports.write(dir, "1_Pooling/config.json", "{\"include_prompt\": false}");
        try (OnnxEmbedder embedder = OnnxEmbedder.load(dir)) {
            embedder.embed(TEXTS); // no default prompt: nothing to leave out
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> embedder.embed("alpha", "query"));
            assertTrue(e.getMessage().contains("pools inside its graph")
                    && e.getMessage().contains("include_prompt: false") && e.getMessage().contains("'query: '"),
                    e.getMessage());
        }
        MiniLmExports.write(dir, "config_sentence_transformers.json",
                "{\"prompts\": {\"query\": \"query: \"}, \"default_prompt_name\": \"query\"}");
        assertRejected(dir, null, List.of("1_Pooling", "field 'include_prompt'", "default prompt 'query'",
                "pools inside its graph", "expected true, or an export with token vectors"));
    }

    @Test
    void poolingInsideTheGraphWithDenseModulesIsAmbiguous() throws IOException {
        Path dir = export("pooled_only");
        MiniLmExports.write(dir, "modules.json", "[" + MiniLmExports.TRANSFORMER + ", "
                + MiniLmExports.module(1, "1_Pooling", "Pooling") + ", "
                + MiniLmExports.module(2, "2_Dense", "Dense") + "]");
        MiniLmExports.write(dir, "1_Pooling/config.json", "{\"word_embedding_dimension\": 4}");
        MiniLmExports.write(dir, "2_Dense/config.json", "{\"in_features\": 4, \"out_features\": 4}");
        new io.llmops4j.core.safetensors.SafetensorsWriter()
                .add("linear.weight", io.llmops4j.core.safetensors.DType.F32, new long[] {4, 4}, new float[16])
                .add("linear.bias", io.llmops4j.core.safetensors.DType.F32, new long[] {4}, new float[4])
                .write(dir.resolve("2_Dense/model.safetensors"));
        assertRejected(dir, null, List.of("pools inside its graph", "2_Dense", "cannot be told",
                "expected an export with token vectors"));
    }

    // ---- files and settings ----

    @Test
    void theTokenizerMayLieNextToTheModelAndAnyOnnxFileCanBeNamed() throws IOException {
        Path dir = export("token_types", "onnx/model_variant.onnx", "onnx/tokenizer.json");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxEmbedder.load(dir));
        assertTrue(e.getMessage().contains("no model.onnx or onnx/model.onnx found")
                && e.getMessage().contains("found [onnx/model_variant.onnx]")
                && e.getMessage().contains("load(dir, file)"), e.getMessage());
        try (OnnxEmbedder embedder = OnnxEmbedder.load(dir, "onnx/model_variant.onnx")) {
            assertEmbeds(embedder, true, false);
        }
        e = assertThrows(ModelFormatException.class, () -> OnnxEmbedder.load(dir, "onnx/absent.onnx"));
        assertTrue(e.getMessage().contains("absent.onnx") && e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void textsAreStrippedAsPythonStripsThemAndLowercasedOnlyWhenTheExportSaysSo() throws IOException {
        // the fixture tokenizer is case-sensitive and keeps spaces as tokens, so both show
        String text = "\u00a0 \tALPHA Beta\u2003\n";
        Path dir = export("token_types");
        try (OnnxEmbedder embedder = OnnxEmbedder.load(dir)) {
            assertEquals(List.of("[CLS]", "[UNK]", " ", "[UNK]", "[SEP]"), embedder.tokenEmbeddings(text).tokens());
            assertEquals(5, embedder.countTokens(text));
            assertClose(meanNormalized(tokenVectors(ids("ALPHA Beta", 512), true, false)), embedder.embed(text),
                    "cased");
        }
        MiniLmExports.write(dir, "sentence_bert_config.json", "{\"max_seq_length\": 64, \"do_lower_case\": true}");
        try (OnnxEmbedder embedder = OnnxEmbedder.load(dir)) {
            assertEquals(List.of("[CLS]", "alpha", " ", "beta", "[SEP]"), embedder.tokenEmbeddings(text).tokens());
            assertClose(meanNormalized(tokenVectors(ids("alpha beta", 512), true, false)), embedder.embed(text),
                    "lowercased");
        }
        MiniLmExports.write(dir, "sentence_bert_config.json", "{\"do_lower_case\": \"yes\"}");
        assertRejected(dir, null, List.of("sentence_bert_config.json", "field 'do_lower_case'",
                "expected true or false", "found \"yes\""));
    }

    /**
     * The sequence limit: {@code max_seq_length} of sentence_bert_config.json; without it the smaller of the
     * model's {@code max_position_embeddings} and the tokenizer's {@code model_max_length} (a "no limit" value
     * beyond the int range counts as missing); without those the tokenizer.json truncation, here none, so 512.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "sentence_bert_config wins      | {\"max_seq_length\": 7} | {\"max_position_embeddings\": 5} | {\"model_max_length\": 6} | 7",
            "position limit smaller         | -                       | {\"max_position_embeddings\": 5} | {\"model_max_length\": 6} | 5",
            "tokenizer limit smaller        | {\"do_lower_case\": false} | {\"max_position_embeddings\": 9} | {\"model_max_length\": 6} | 6",
            "only the position limit        | -                       | {\"max_position_embeddings\": 6} | -                         | 6",
            "tokenizer says no limit        | -                       | {\"hidden_size\": 4}              | {\"model_max_length\": 1000000000000000019884624838656} | 512",
            "null max_seq_length            | {\"max_seq_length\": null} | -                             | {\"model_max_length\": 8} | 8",
            "above this embedder's limit    | {\"max_seq_length\": 32768} | -                            | -                         | 8192"})
    void theSequenceLimitFollowsSentenceTransformers(String what, String stConfig, String modelConfig,
                                                     String tokenizerConfig, int expected) throws IOException {
        Path dir = export("token_types");
        for (String[] file : new String[][] {{"sentence_bert_config.json", stConfig}, {"config.json", modelConfig},
                {"tokenizer_config.json", tokenizerConfig}}) {
            if (file[1] != null) {
                MiniLmExports.write(dir, file[0], file[1]);
            }
        }
        try (OnnxEmbedder embedder = OnnxEmbedder.load(dir)) {
            assertEquals(expected, embedder.maxSequenceLength(), what);
            String longText = "alpha ".repeat(10).strip(); // 19 tokens and [CLS], [SEP]
            int tokens = Math.min(21, expected);
            assertEquals(tokens, embedder.tokenEmbeddings(longText).size(), what);
            assertEquals(21, embedder.countTokens(longText), what);
            assertClose(meanNormalized(tokenVectors(ids(longText, expected), true, false)),
                    embedder.embed(List.of(longText, "beta"))[0], what);
        }
    }

    @Test
    void aBadSequenceLimitIsRejected() throws IOException {
        Path dir = export("token_types");
        MiniLmExports.write(dir, "sentence_bert_config.json", "{\"max_seq_length\": 1}");
        assertRejected(dir, null, List.of("sentence_bert_config.json", "field 'max_seq_length'",
                "expected an integer of at least 2", "found 1"));
        MiniLmExports.write(dir, "sentence_bert_config.json", "[256]");
        assertRejected(dir, null, List.of("sentence_bert_config.json", "expected a JSON object", "found an array"));
    }

    // ---- layouts this embedder rejects ----

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "extra_input        | expected the inputs input_ids and any of [attention_mask, token_type_ids, position_ids] | task_id=INT64[1] | extra task inputs",
            "static_length      | input 'input_ids' | expected shape [batch, sequence] with a dynamic sequence length | found [-1, 8]",
            "float_mask         | input 'attention_mask' | expected int64 or int32 elements | found FLOAT",
            "pooler_output_only | expected an output of shape [batch, tokens, hidden] | or a pooled 'sentence_embedding' | pooler_output=FLOAT[-1, 4]",
            "double_output      | output 'last_hidden_state' | expected float, float16 or bfloat16 elements | found DOUBLE"})
    void unsupportedLayoutsAreRejectedNamingWhatWasFound(String fixture, String a, String b, String c)
            throws IOException {
        assertRejected(export(fixture), fixture, List.of("ONNX model", a.strip(), b.strip(), c.strip()));
    }

    private static void assertRejected(Path dir, String what, List<String> fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Embedder.load(dir), what);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), what + ": '" + fragment + "' not in: " + e.getMessage());
        }
    }

    private static void assertClose(double[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        float[] wantFloat = new float[want.length];
        for (int i = 0; i < want.length; i++) {
            wantFloat[i] = (float) want[i];
        }
        assertArrayEquals(wantFloat, got, 1e-6f, what);
    }
}
