package io.llmops4j.core.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmops4j.core.Embedder;
import io.llmops4j.core.InvalidRequestException;
import io.llmops4j.core.LlmOpsException;
import io.llmops4j.core.ModelFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded all-MiniLM-L6-v2 against published facts about the model. */
class OnnxEmbedderTest {
    private static OnnxEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = OnnxEmbedder.builder().batchSize(4).build();
    }

    @AfterAll
    static void close() {
        embedder.close();
        embedder.close(); // closing twice is harmless
    }

    @Test
    void publishedSimilaritiesOfTheSentenceTransformersQuickstart() {
        // sentence-transformers' README / quickstart prints, for SentenceTransformer("all-MiniLM-L6-v2"):
        // tensor([[1.0000, 0.6660, 0.1046], [0.6660, 1.0000, 0.1411], [0.1046, 0.1411, 1.0000]])
        // printed to 4 decimals, so each value is known to +-5e-5; 6e-5 leaves room for float noise
        float[][] v = embedder.embed(List.of(
                "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."));
        assertEquals(0.6660, dot(v[0], v[1]), 6e-5);
        assertEquals(0.1046, dot(v[0], v[2]), 6e-5);
        assertEquals(0.1411, dot(v[1], v[2]), 6e-5);
    }

    @Test
    void dimensionNormAndIdentity() {
        assertEquals(384, embedder.dimension());
        assertEquals(256, embedder.maxSequenceLength());
        assertTrue(embedder.id().matches("all-MiniLM-L6-v2-[0-9a-f]{12}"), embedder.id());
        for (float[] v : embedder.embed(List.of("a", "A much longer sentence about embeddings and norms.", ""))) {
            assertEquals(384, v.length);
            assertEquals(1.0, Math.sqrt(dot(v, v)), 1e-5);
        }
    }

    @Test
    void paraphrasesAreCloserThanUnrelatedSentences() {
        float[][] v = embedder.embed(List.of("A man is playing a guitar.", "Someone plays an acoustic guitar.",
                "The stock market fell sharply on Monday."));
        assertTrue(dot(v[0], v[1]) > 0.6, "paraphrase similarity " + dot(v[0], v[1]));
        assertTrue(dot(v[0], v[1]) > dot(v[0], v[2]) + 0.4);
        assertTrue(dot(v[1], v[0]) > dot(v[1], v[2]) + 0.4);
    }

    @Test
    void batchedEqualsOneByOneInInputOrder() {
        String longText = "a long paragraph that repeats itself to fill many word pieces. ".repeat(15);
        List<String> texts = List.of("short", "a considerably longer sentence with many more word pieces in it",
                "", longText, "medium length text here", "x y z", longText + " with a different end",
                "Another one, of middling length.", "end");
        // batch size 4 and, on the CPU, 256 padded tokens: the two long texts run alone, the rest in padded batches
        float[][] batched = embedder.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertClose(embedder.embed(texts.get(i)), batched[i], "text " + i);
        }
    }

    @Test
    void concurrentCallsGiveTheSequentialResults() throws Exception {
        List<String> texts = List.of("first thread text", "second thread, a bit longer text", "third", "fourth one");
        float[][] expected = embedder.embed(texts);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<float[]>> futures = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (String text : texts) {
                    futures.add(pool.submit(() -> embedder.embed(text)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertClose(expected[i % texts.size()], futures.get(i).get(), "call " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Tokenizing and batches run in parallel on the CPU: with 3 threads and 2 texts per batch, 99 texts of different
     * lengths are tokenized in three parts of 33 and make 50 batches spread over the calling thread and two helpers
     * in an order no one controls, and four callers share the helpers at once. Every vector must equal the one computed alone (one text, no padding, no helper),
     * whatever the input order and split.
     */
    @Test
    void parallelBatchesEqualOneTextAtATime() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 99; i++) {
            texts.add("sentence number " + i + " says" + " something more".repeat(i % 7));
        }
        List<String> reversed = new ArrayList<>(texts.reversed());
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        float[][] forward;
        float[][] backward;
        List<float[][]> concurrent = new ArrayList<>();
        Set<Thread> helpers = new java.util.HashSet<>();
        try (OnnxEmbedder parallel = OnnxEmbedder.builder().device(OnnxEmbedder.Device.CPU).threads(3).batchSize(2)
                .build()) {
            assertEquals(3, parallel.threads());
            forward = parallel.embed(texts);
            backward = parallel.embed(reversed);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<float[][]>> futures = new ArrayList<>();
                for (int c = 0; c < 4; c++) {
                    futures.add(pool.submit(() -> parallel.embed(texts)));
                }
                for (var f : futures) {
                    concurrent.add(f.get());
                }
            } finally {
                pool.shutdownNow();
            }
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (!before.contains(t) && t.getName().startsWith("llmops-embed-")) {
                    helpers.add(t);
                }
            }
        }
        assertEquals(2, helpers.size(), "helper threads of a 3-thread embedder");
        for (Thread t : helpers) {
            t.join(java.time.Duration.ofSeconds(30));
            assertTrue(!t.isAlive(), t.getName() + " still runs after close()");
        }
        for (int i = 0; i < texts.size(); i++) {
            float[] want = embedder.embed(texts.get(i)); // one text: one unpadded run on the calling thread
            assertClose(want, forward[i], "forward, text " + i);
            assertClose(want, backward[texts.size() - 1 - i], "reversed, text " + i);
            for (float[][] got : concurrent) {
                assertClose(want, got[i], "concurrent caller, text " + i);
            }
        }
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int d = 0; d < want.length; d++) {
            assertEquals(want[d], got[d], 1e-5, what + " dim " + d);
        }
    }

    @Test
    void longTextIsTruncatedAt256WordPieces() {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            words.add("word" + (i % 7));
        }
        String base = String.join(" ", words);
        TokenEmbeddings tokens = embedder.tokenEmbeddings(base);
        assertEquals(256, tokens.size());
        assertEquals("[CLS]", tokens.tokens().get(0));
        assertEquals("[SEP]", tokens.tokens().get(255));
        // what lies past the limit does not change the vector
        float[] a = embedder.embed(base);
        float[] b = embedder.embed(base + " completely different ending about volcanoes and ice cream");
        assertEquals(1.0, dot(a, b), 1e-6);
    }

    /** "hello" and "world" are whole words of BERT's uncased vocabulary, so n repetitions are 2n + 2 word pieces. */
    @Test
    void countTokensIsTheUntruncatedLengthWithSpecialTokens() {
        assertEquals(4, embedder.countTokens("Hello world"));
        String long300 = "hello world ".repeat(300);
        assertEquals(602, embedder.countTokens(long300));
        assertEquals(256, embedder.tokenEmbeddings(long300).size());
        assertEquals(2, embedder.countTokens(""));
    }

    @Test
    void tokenEmbeddingsMeanPoolToTheSentenceEmbedding() {
        String text = "Token vectors pool to the sentence vector.";
        TokenEmbeddings tokens = embedder.tokenEmbeddings(text);
        assertEquals("[CLS]", tokens.tokens().get(0));
        assertEquals("[SEP]", tokens.tokens().get(tokens.size() - 1));
        double[] mean = new double[384];
        for (float[] row : tokens.vectors()) {
            assertEquals(384, row.length);
            for (int d = 0; d < 384; d++) {
                mean[d] += row[d] / tokens.size();
            }
        }
        double norm = Math.sqrt(java.util.Arrays.stream(mean).map(x -> x * x).sum());
        float[] pooled = embedder.embed(text);
        for (int d = 0; d < 384; d++) {
            assertEquals(mean[d] / norm, pooled[d], 1e-5);
        }
    }

    @Test
    void emptyInputs() {
        assertEquals(0, embedder.embed(List.of()).length);
        float[] empty = embedder.embed("");
        assertEquals(1.0, Math.sqrt(dot(empty, empty)), 1e-5);
        assertThrows(NullPointerException.class, () -> embedder.embed(java.util.Arrays.asList("a", null)));
    }

    @Test
    void invalidSettingsAndFiles(@TempDir Path dir) throws Exception {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> OnnxEmbedder.builder().batchSize(0).build());
        assertTrue(e.getMessage().contains("batchSize must be in [1, 4096], found 0"), e.getMessage());
        e = assertThrows(InvalidRequestException.class, () -> OnnxEmbedder.builder().maxSequenceLength(1).build());
        assertTrue(e.getMessage().contains("maxSequenceLength"), e.getMessage());
        e = assertThrows(InvalidRequestException.class, () -> OnnxEmbedder.builder().threads(0).build());
        assertTrue(e.getMessage().contains("threads"), e.getMessage());
        e = assertThrows(InvalidRequestException.class,
                () -> OnnxEmbedder.builder().modelFile(dir.resolve("m.onnx")).build());
        assertTrue(e.getMessage().contains("tokenizerFile"), e.getMessage());

        ModelFormatException m = assertThrows(ModelFormatException.class, () -> OnnxEmbedder.builder()
                .modelFile(dir.resolve("absent.onnx")).tokenizerFile(dir.resolve("tokenizer.json")).build());
        assertTrue(m.getMessage().contains("absent.onnx") && m.getMessage().contains("not found"), m.getMessage());
        m = assertThrows(ModelFormatException.class, () -> Embedder.load(dir));
        assertTrue(m.getMessage().contains("model.onnx"), m.getMessage());
        Files.writeString(dir.resolve("model.onnx"), "this is not an ONNX protobuf");
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}");
        m = assertThrows(ModelFormatException.class, () -> Embedder.load(dir));
        assertTrue(m.getMessage().contains("tokenizer.json") && m.getMessage().contains("malformed JSON"),
                m.getMessage());
        Files.writeString(dir.resolve("tokenizer.json"), """
                {"version": "1.0", "added_tokens": [], "normalizer": null, "pre_tokenizer": {"type": "Whitespace"},
                 "post_processor": null, "decoder": null,
                 "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                           "max_input_chars_per_word": 100, "vocab": {"[UNK]": 0, "a": 1}}}""");
        m = assertThrows(ModelFormatException.class, () -> Embedder.load(dir));
        assertTrue(m.getMessage().contains("ONNX Runtime cannot load model"), m.getMessage());
    }

    @Test
    void loadsASentenceTransformersExportFromADirectory(@TempDir Path dir) throws Exception {
        try (var model = OnnxEmbedder.class.getResourceAsStream("/all-minilm-l6-v2.onnx");
             var tokenizer = OnnxEmbedder.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            Files.createDirectories(dir.resolve("onnx"));
            Files.copy(model, dir.resolve("onnx").resolve("model.onnx"));
            Files.copy(tokenizer, dir.resolve("tokenizer.json"));
        }
        Files.writeString(dir.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 64}");
        try (Embedder loaded = Embedder.load(dir)) {
            assertEquals(64, loaded.maxSequenceLength());
            // same weights, so the same hash as the embedded model
            assertEquals(embedder.id().substring(embedder.id().lastIndexOf('-')),
                    loaded.id().substring(loaded.id().lastIndexOf('-')));
            assertTrue(loaded.id().startsWith(dir.getFileName().toString() + "-"), loaded.id());
            float[] a = loaded.embed("The same model read from files.");
            float[] b = embedder.embed("The same model read from files.");
            assertEquals(1.0, dot(a, b), 1e-6);
        }
        Files.writeString(dir.resolve("sentence_bert_config.json"), "{\"max_seq_length\": \"long\"}");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Embedder.load(dir));
        assertTrue(e.getMessage().contains("sentence_bert_config.json") && e.getMessage().contains("max_seq_length"),
                e.getMessage());
    }

    @Test
    void closedEmbedderRefusesWork() {
        OnnxEmbedder e = OnnxEmbedder.builder().device(OnnxEmbedder.Device.CPU).threads(1).build();
        assertEquals("CPU", e.executionProvider());
        e.close();
        LlmOpsException x = assertThrows(LlmOpsException.class, () -> e.embed("after close"));
        assertTrue(x.getMessage().contains("closed"), x.getMessage());
        assertThrows(LlmOpsException.class, () -> e.countTokens("after close"));
        e.close();
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * (double) b[i];
        }
        return s;
    }
}
