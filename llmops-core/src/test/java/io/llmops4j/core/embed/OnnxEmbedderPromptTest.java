package io.llmops4j.core.embed;

import static io.llmops4j.core.embed.MiniLmExports.HIDDEN;
import static io.llmops4j.core.embed.MiniLmExports.TRANSFORMER;
import static io.llmops4j.core.embed.MiniLmExports.mean;
import static io.llmops4j.core.embed.MiniLmExports.module;
import static io.llmops4j.core.embed.MiniLmExports.normalized;
import static io.llmops4j.core.embed.MiniLmExports.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmops4j.core.Embedder;
import io.llmops4j.core.InvalidRequestException;
import io.llmops4j.core.ModelFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Prompts of {@code config_sentence_transformers.json} on the real all-MiniLM-L6-v2: the default prompt in front of
 * every text, named prompts, and {@code include_prompt: false}, which leaves the prompt's tokens out of pooling.
 * Expected vectors come from a prompt-less embedder's per-token vectors of the prompted text (one unpadded run per
 * text), pooled here with plain loops over the tokens after the prompt, whose count is read off the word pieces.
 */
class OnnxEmbedderPromptTest extends MiniLmExportTest {
    /** BGE's query instruction: 8 word pieces, so with [CLS] the first 9 tokens of a prompted text are the prompt. */
    private static final String QUERY = "Represent this sentence for searching relevant passages: ";
    private static final List<String> QUERY_PIECES = List.of("[CLS]", "represent", "this", "sentence", "for",
            "searching", "relevant", "passages", ":");
    private static final String PROMPTS = """
            {"__version__": {"sentence_transformers": "5.1.0"}, "similarity_fn_name": "cosine",
             "prompts": {"query": "%s", "document": "passage: ", "none": ""}, "default_prompt_name": %s}""";
    private static final List<String> TEXTS = List.of("What do whales eat?",
            "Baleen whales filter krill and small fish out of sea water, toothed whales hunt squid and fish.", "", "x");

    /** An export with mean pooling (or {@code pooling}), Normalize, and the prompts above. */
    private static Path export(String defaultPrompt, boolean includePrompt, String pooling) throws IOException {
        Path dir = exports.export();
        write(dir, "modules.json", "[" + TRANSFORMER + ", " + module(1, "1_Pooling", "Pooling") + ", "
                + module(2, "2_Normalize", "Normalize") + "]");
        write(dir, "1_Pooling/config.json", "{\"word_embedding_dimension\": 384, " + pooling
                + "\"include_prompt\": " + includePrompt + "}");
        write(dir, "config_sentence_transformers.json", PROMPTS.formatted(QUERY,
                defaultPrompt == null ? "null" : "\"" + defaultPrompt + "\""));
        return dir;
    }

    /** The prompt-less token vectors of {@code prompt + text}, checking that they start with {@code pieces}. */
    private static float[][] tokens(String prompt, String text, List<String> pieces) {
        TokenEmbeddings tokens = reference.tokenEmbeddings(prompt + text);
        assertEquals(pieces, tokens.tokens().subList(0, pieces.size()), "the prompt's word pieces");
        return tokens.vectors();
    }

    @Test
    void theDefaultPromptGoesInFrontOfEveryTextAndIsPooledWithIt() throws IOException {
        try (OnnxEmbedder embedder = OnnxEmbedder.load(export("query", true, ""))) {
            assertEquals(Optional.of("query"), embedder.defaultPromptName());
            assertEquals(Map.of("query", QUERY, "document", "passage: ", "none", ""), embedder.prompts());
            assertEquals(List.of("query", "document", "none"), List.copyOf(embedder.prompts().keySet()));
            float[][] byDefault = embedder.embed(TEXTS);
            float[][] byNull = embedder.embed(TEXTS, null);
            float[][] document = embedder.embed(TEXTS, "document");
            float[][] none = embedder.embed(TEXTS, "none");
            for (int i = 0; i < TEXTS.size(); i++) {
                String text = TEXTS.get(i);
                double[] query = normalized(mean(tokens(QUERY, text, QUERY_PIECES), 0));
                assertClose(query, byDefault[i], "default prompt, text " + i);
                assertClose(query, byNull[i], "null prompt name, text " + i);
                assertClose(query, embedder.embed(text), "default prompt alone, text " + i);
                assertClose(normalized(mean(tokens("passage: ", text, List.of("[CLS]", "passage", ":")), 0)),
                        document[i], "document prompt, text " + i);
                assertClose(normalized(mean(tokens("", text, List.of("[CLS]")), 0)), none[i], "empty prompt " + i);
                assertClose(normalized(mean(tokens("", text, List.of("[CLS]")), 0)),
                        embedder.embed(text, "none"), "empty prompt alone, text " + i);
            }
            // chunkers count what embed feeds the model: 8 prompt pieces, "hello", "world", [CLS] and [SEP]
            assertEquals(12, embedder.countTokens("hello world"));
        }
    }

    @Test
    void includePromptFalseLeavesThePromptTokensOutOfPooling() throws IOException {
        try (OnnxEmbedder embedder = OnnxEmbedder.load(export("query", false, ""))) {
            float[][] batched = embedder.embed(TEXTS);
            float[][] document = embedder.embed(TEXTS, "document");
            float[][] none = embedder.embed(TEXTS, "none");
            for (int i = 0; i < TEXTS.size(); i++) {
                String text = TEXTS.get(i);
                // sentence-transformers' prompt_length: the prompt's own tokens less its closing [SEP], so [CLS] and
                // the prompt's word pieces are left out
                double[] want = normalized(mean(tokens(QUERY, text, QUERY_PIECES), QUERY_PIECES.size()));
                assertClose(want, batched[i], "batched, text " + i);
                assertClose(want, embedder.embed(text), "alone, text " + i);
                assertClose(normalized(mean(tokens("passage: ", text, List.of("[CLS]", "passage", ":")), 3)),
                        document[i], "document prompt, text " + i);
                // an empty prompt is no prompt (sentence-transformers 5): nothing is left out, not even [CLS]
                assertClose(normalized(mean(tokens("", text, List.of("[CLS]")), 0)), none[i], "empty prompt " + i);
            }
        }
    }

    @Test
    void includePromptFalseWithEveryPoolingMode() throws IOException {
        // CLS still takes the first token, [CLS], as sentence-transformers' Pooling does; max, the means and the
        // last token only look at the tokens after the prompt, and weighted mean keeps absolute positions
        String modes = "\"pooling_mode_cls_token\": true, \"pooling_mode_max_tokens\": true, "
                + "\"pooling_mode_mean_tokens\": true, \"pooling_mode_mean_sqrt_len_tokens\": true, "
                + "\"pooling_mode_weightedmean_tokens\": true, \"pooling_mode_lasttoken\": true, ";
        int skip = QUERY_PIECES.size();
        try (OnnxEmbedder embedder = OnnxEmbedder.load(export("query", false, modes))) {
            assertEquals(6 * HIDDEN, embedder.dimension());
            float[][] batched = embedder.embed(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                float[][] t = tokens(QUERY, TEXTS.get(i), QUERY_PIECES);
                double[] want = new double[6 * HIDDEN];
                double weights = 0;
                for (int k = skip; k < t.length; k++) {
                    weights += k + 1;
                }
                for (int d = 0; d < HIDDEN; d++) {
                    double max = Double.NEGATIVE_INFINITY;
                    double sum = 0;
                    double weighted = 0;
                    for (int k = skip; k < t.length; k++) {
                        max = Math.max(max, t[k][d]);
                        sum += t[k][d];
                        weighted += (k + 1) * (double) t[k][d];
                    }
                    int n = t.length - skip;
                    want[d] = t[0][d];
                    want[HIDDEN + d] = max;
                    want[2 * HIDDEN + d] = sum / n;
                    want[3 * HIDDEN + d] = sum / Math.sqrt(n);
                    want[4 * HIDDEN + d] = weighted / weights;
                    want[5 * HIDDEN + d] = t[t.length - 1][d];
                }
                assertClose(normalized(want), batched[i], "text " + i);
            }
        }
    }

    @Test
    void withoutADefaultPromptTextsGoInAsTheyAre() throws IOException {
        try (OnnxEmbedder embedder = OnnxEmbedder.load(export(null, false, ""))) {
            assertEquals(Optional.empty(), embedder.defaultPromptName());
            float[][] plain = embedder.embed(TEXTS);
            float[][] query = embedder.embed(TEXTS, "query");
            for (int i = 0; i < TEXTS.size(); i++) {
                assertClose(normalized(mean(tokens("", TEXTS.get(i), List.of("[CLS]")), 0)), plain[i], "plain " + i);
                assertClose(normalized(mean(tokens(QUERY, TEXTS.get(i), QUERY_PIECES), QUERY_PIECES.size())),
                        query[i], "query " + i);
            }
            assertEquals(4, embedder.countTokens("hello world"));
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> embedder.embed(TEXTS, "passage"));
            assertTrue(e.getMessage().contains("prompt name 'passage'")
                    && e.getMessage().contains("expected one of [query, document, none]")
                    && e.getMessage().contains("found no such prompt"), e.getMessage());
        }
    }

    @Test
    void queriesAndDocumentsTakeTheirPromptsAsEncodeQueryAndEncodeDocumentDo() throws IOException {
        // prompts query and document, no default: queries get the query prompt, documents the document prompt
        try (OnnxEmbedder embedder = OnnxEmbedder.load(export(null, true, ""))) {
            float[][] documents = embedder.embedDocuments(TEXTS);
            float[][] queries = embedder.embedQueries(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                String text = TEXTS.get(i);
                assertClose(normalized(mean(tokens(QUERY, text, QUERY_PIECES), 0)), queries[i], "query " + i);
                assertClose(normalized(mean(tokens(QUERY, text, QUERY_PIECES), 0)), embedder.embedQuery(text),
                        "one query " + i);
                assertClose(normalized(mean(tokens("passage: ", text, List.of("[CLS]", "passage", ":")), 0)),
                        documents[i], "document " + i);
            }
        }
        // "passage" stands in for "document", and without a query prompt a query gets the default prompt
        Path dir = export(null, true, "");
        write(dir, "config_sentence_transformers.json", "{\"prompts\": {\"passage\": \"passage: \", \"corpus\": \"x \","
                + " \"q\": \"%s\"}, \"default_prompt_name\": \"q\"}".formatted(QUERY));
        try (OnnxEmbedder embedder = OnnxEmbedder.load(dir)) {
            String text = TEXTS.get(1);
            assertClose(normalized(mean(tokens("passage: ", text, List.of("[CLS]", "passage", ":")), 0)),
                    embedder.embedDocuments(List.of(text))[0], "passage prompt");
            assertClose(normalized(mean(tokens(QUERY, text, QUERY_PIECES), 0)), embedder.embedQuery(text),
                    "default prompt on a query");
        }
        // no prompts at all: both are plain embeddings
        String text = TEXTS.get(0);
        assertClose(normalized(mean(tokens("", text, List.of("[CLS]")), 0)), reference.embedQuery(text), "plain query");
        assertClose(normalized(mean(tokens("", text, List.of("[CLS]")), 0)),
                reference.embedDocuments(List.of(text))[0], "plain document");
    }

    @Test
    void theIdNamesThePromptSettingsSoAnIndexRefusesOtherOnes() throws IOException {
        // an index stores the embedder's id and refuses another: vectors made with other prompts do not match (each
        // export has its own directory name, which starts the id; what follows is the weights' hash and settings)
        java.util.Set<String> ids = new java.util.HashSet<>();
        String plain;
        Path noPrompts = export(null, true, "");
        java.nio.file.Files.delete(noPrompts.resolve("config_sentence_transformers.json"));
        try (OnnxEmbedder embedder = OnnxEmbedder.load(noPrompts)) {
            plain = embedder.id().substring(embedder.id().indexOf('-'));
        }
        assertTrue(!plain.contains("-prompts-"), plain);
        for (Path dir : List.of(export(null, true, ""), export("query", true, ""), export("document", true, ""),
                export("query", false, ""))) {
            try (OnnxEmbedder embedder = OnnxEmbedder.load(dir)) {
                String settings = embedder.id().substring(embedder.id().indexOf('-'));
                assertTrue(settings.startsWith(plain + "-prompts-"), embedder.id());
                ids.add(settings);
            }
        }
        assertEquals(4, ids.size(), ids.toString());
        Path lower = export(null, true, "");
        java.nio.file.Files.delete(lower.resolve("config_sentence_transformers.json"));
        write(lower, "sentence_bert_config.json", "{\"max_seq_length\": 256, \"do_lower_case\": true}");
        try (OnnxEmbedder embedder = OnnxEmbedder.load(lower)) {
            assertEquals(plain + "-lowercase", embedder.id().substring(embedder.id().indexOf('-')));
        }
    }

    @Test
    void embeddersWithoutPromptsRefusePromptNames() {
        assertEquals(Map.of(), reference.prompts());
        assertEquals(Optional.empty(), reference.defaultPromptName());
        assertEquals(1.0, MiniLmExports.dot(reference.embed("a", null), reference.embed("a")), 1e-6);
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> reference.embed("a", "query"));
        assertTrue(e.getMessage().contains("prompt name 'query'") && e.getMessage().contains("expected one of []"),
                e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "default not a prompt   | {\"prompts\": {\"query\": \"q: \"}, \"default_prompt_name\": \"passage\"} | field 'default_prompt_name' | expected one of the prompt names [query] | found the string \"passage\"",
            "default not a string   | {\"prompts\": {\"query\": \"q: \"}, \"default_prompt_name\": 1}         | field 'default_prompt_name' | expected one of the prompt names [query] | found 1",
            "prompts not an object  | {\"prompts\": [\"q: \"]}                                            | field 'prompts'             | expected an object of prompt texts by name | found an array",
            "prompt not a string    | {\"prompts\": {\"query\": 1}}                                         | field 'prompts.query'       | expected the prompt's text as a string | found 1",
            "file not an object     | [\"q: \"]                                                           | config_sentence_transformers.json | expected a JSON object | found an array",
            "malformed JSON         | {\"prompts\": {                                                      | config_sentence_transformers.json | malformed JSON | at line"})
    void badPromptConfigIsRejected(String what, String config, String a, String b, String c) throws IOException {
        Path dir = export(null, true, "");
        write(dir, "config_sentence_transformers.json", config);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Embedder.load(dir), what);
        for (String fragment : List.of("config_sentence_transformers.json", a.strip(), b.strip(), c.strip())) {
            assertTrue(e.getMessage().contains(fragment), what + ": '" + fragment + "' not in: " + e.getMessage());
        }
    }

    private static void assertClose(double[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int d = 0; d < want.length; d++) {
            // padding changes the model's float rounding a little
            assertEquals(want[d], got[d], 2e-5, what + " dim " + d);
        }
    }
}
