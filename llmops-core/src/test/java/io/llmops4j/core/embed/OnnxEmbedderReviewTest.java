package io.llmops4j.core.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prompt handling against sentence-transformers' own rules, on the tiny layout fixtures (see
 * {@code layouts/make_layouts.py}). Expected vectors are pooled here from the embedder's own prompt-less token
 * vectors of the prompted text.
 */
class OnnxEmbedderReviewTest {
    @TempDir
    Path base;

    private static void copy(String resource, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (InputStream in = OnnxEmbedderReviewTest.class.getResourceAsStream(resource)) {
            Files.copy(in, to);
        }
    }

    /**
     * An export of the {@code token_types} fixture with mean pooling, {@code include_prompt: false} and the default
     * prompt {@code "query: "}; with {@code bosOnly} its tokenizer adds [CLS] in front of a text but nothing after
     * it, as Llama- and Mistral-style tokenizers add only BOS.
     */
    private Path export(boolean bosOnly) throws IOException {
        Path dir = base.resolve(bosOnly ? "bos-only" : "cls-sep");
        copy("layouts/token_types.onnx", dir.resolve("model.onnx"));
        copy("layouts/tokenizer.json", dir.resolve("tokenizer.json"));
        if (bosOnly) {
            ObjectMapper json = new ObjectMapper();
            ObjectNode tokenizer = (ObjectNode) json.readTree(dir.resolve("tokenizer.json").toFile());
            ArrayNode single = (ArrayNode) tokenizer.path("post_processor").path("single");
            single.remove(2); // the closing [SEP]
            json.writeValue(dir.resolve("tokenizer.json").toFile(), tokenizer);
        }
        Files.writeString(dir.resolve("modules.json"), """
                [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                 {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]""");
        Files.createDirectories(dir.resolve("1_Pooling"));
        Files.writeString(dir.resolve("1_Pooling/config.json"),
                "{\"word_embedding_dimension\": 4, \"pooling_mode_mean_tokens\": true, \"include_prompt\": false}");
        Files.writeString(dir.resolve("config_sentence_transformers.json"),
                "{\"prompts\": {\"query\": \"query: \"}, \"default_prompt_name\": \"query\"}");
        return dir;
    }

    private static double[] mean(float[][] tokens, int from) {
        double[] mean = new double[tokens[0].length];
        for (int t = from; t < tokens.length; t++) {
            for (int d = 0; d < mean.length; d++) {
                mean[d] += tokens[t][d] / (double) (tokens.length - from);
            }
        }
        return mean;
    }

    /**
     * sentence-transformers' {@code _get_prompt_length}: the prompt's tokens, less the last one only when it is a
     * special token (the closing [SEP] / EOS). With a BOS-only tokenizer, "query:" tokenizes to [CLS] query: and
     * both are left out of pooling; with [CLS] ... [SEP] the same two are left out.
     */
    @Test
    void promptLengthKeepsTheLastPromptTokenOutOnlyWhenItIsNotSpecial() throws IOException {
        for (boolean bosOnly : List.of(false, true)) {
            try (OnnxEmbedder embedder = OnnxEmbedder.load(export(bosOnly))) {
                TokenEmbeddings tokens = embedder.tokenEmbeddings("query: alpha beta");
                List<String> want = bosOnly ? List.of("[CLS]", "query:", " ", "alpha", " ", "beta")
                        : List.of("[CLS]", "query:", " ", "alpha", " ", "beta", "[SEP]");
                assertEquals(want, tokens.tokens(), "fixture tokens");
                double[] expected = mean(tokens.vectors(), 2); // [CLS] and "query:" are the prompt
                float[] got = embedder.embed("alpha beta");
                for (int d = 0; d < expected.length; d++) { // no Normalize module
                    assertEquals(expected[d], got[d], 1e-6, (bosOnly ? "BOS-only" : "[CLS]/[SEP]")
                            + " tokenizer, dim " + d);
                }
            }
        }
    }

    /**
     * An e5-style export (prompts "query" and "passage", no default): the RAG index embeds chunks with
     * {@code embedDocuments}, which puts "passage: " in front, so the count a chunker keeps chunks within
     * {@code maxSequenceLength} by must include it, or a chunk at the limit is truncated when embedded.
     */
    @Test
    void documentTokenCountsIncludeTheDocumentPrompt() throws IOException {
        Path dir = base.resolve("e5");
        copy("layouts/token_types.onnx", dir.resolve("model.onnx"));
        copy("layouts/tokenizer.json", dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 7}");
        Files.writeString(dir.resolve("config_sentence_transformers.json"),
                "{\"prompts\": {\"query\": \"query: \", \"passage\": \"passage: \"}, \"default_prompt_name\": null}");
        try (OnnxEmbedder embedder = OnnxEmbedder.load(dir)) {
            String chunk = "alpha beta gamma"; // [CLS] alpha _ beta _ gamma [SEP]: 7 tokens, the limit
            assertEquals(7, embedder.countTokens(chunk));
            // what embedDocuments feeds the model: [CLS] passage: _ alpha _ beta _ gamma [SEP], 9 tokens
            assertEquals(9, embedder.countDocumentTokens(chunk));
            assertEquals(9, embedder.countTokens(chunk, "passage"));
            assertEquals(7, embedder.countTokens(chunk, null));
            float[] whole = embedder.embedDocuments(List.of(chunk))[0];
            float[] truncated = embedder.embed("alpha beta", "passage"); // the 7 tokens the model really sees
            org.junit.jupiter.api.Assertions.assertArrayEquals(truncated, whole, 1e-6f,
                    "a chunk counted at the limit is truncated by embedDocuments");
        }
    }
}
