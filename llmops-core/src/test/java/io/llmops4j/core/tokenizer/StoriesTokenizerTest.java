package io.llmops4j.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmops4j.core.InvalidRequestException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Llama-style SentencePiece BPE tokenizer (byte fallback, 512 pieces) of the shared stories260K checkpoint,
 * checked against hand look-ups in its vocabulary and against a small independent BPE written here.
 */
class StoriesTokenizerTest {
    private static Path dir;
    private static Tokenizer tok;

    @BeforeAll
    static void load() {
        String shared = System.getProperty("llmops.shared.dir");
        Assumptions.assumeTrue(shared != null, "llmops.shared.dir not set");
        dir = Path.of(shared, "models", "stories260K");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("tokenizer.json")), "stories260K not present");
        tok = Tokenizer.load(dir);
    }

    @AfterAll
    static void close() {
        if (tok != null) {
            tok.close();
            tok.close(); // closing twice is harmless
        }
    }

    @Test
    void knownEncoding() {
        // tokenizer.json vocab: "▁Once"=403, "▁upon"=407, "▁a"=261, "▁time"=378; "<s>"=1 is added once
        // (add_bos_token=true and the post_processor also adds it)
        assertArrayEquals(new int[] {1, 403, 407, 261, 378}, tok.encode("Once upon a time"));
        assertArrayEquals(new int[] {403, 407, 261, 378}, tok.encode("Once upon a time", false));
    }

    @Test
    void byteFallbackForCharactersNotInTheVocabulary() {
        // "🐶" is F0 9F 90 B6 in UTF-8; byte token <0xNN> has id 3 + NN (ids 3..258 are <0x00>..<0xFF>);
        // the normalizer's leading "▁" stays alone (410) because "▁" + byte pieces have no merge
        assertArrayEquals(new int[] {1, 410, 3 + 0xF0, 3 + 0x9F, 3 + 0x90, 3 + 0xB6}, tok.encode("🐶"));
        assertEquals("<0xF0>", tok.idToToken(3 + 0xF0));
        assertEquals("🐶", tok.decode(tok.encode("🐶")));
    }

    @Test
    void specialTokensAndMetadata() {
        assertEquals(512, tok.vocabSize());
        assertEquals(OptionalInt.of(1), tok.bosTokenId());
        assertEquals(OptionalInt.of(2), tok.eosTokenId());
        assertEquals(Optional.of("<s>"), tok.bosToken());
        assertEquals(Optional.of("</s>"), tok.eosToken());
        assertEquals(Optional.of("<unk>"), tok.unkToken());
        assertEquals(Optional.empty(), tok.padToken());
        assertEquals(Set.of(0, 1, 2), tok.specialTokenIds());
        assertEquals(OptionalInt.of(403), tok.tokenToId("▁Once"));
        assertEquals(OptionalInt.empty(), tok.tokenToId("▁Onceupon"));
        assertEquals("▁Once", tok.idToToken(403));
        assertEquals(Optional.empty(), tok.chatTemplate());
        assertEquals(OptionalInt.of(512), tok.modelMaxLength());
        assertEquals("Once upon", tok.decode(new int[] {1, 403, 407}));
        assertEquals("<s> Once upon", tok.decode(new int[] {1, 403, 407}, false));
    }

    @Test
    void idsOutsideTheVocabularyAreRejected() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> tok.idToToken(512));
        assertTrue(e.getMessage().contains("512") && e.getMessage().contains("0..511"), e.getMessage());
        assertThrows(InvalidRequestException.class, () -> tok.decode(new int[] {5, -1}));
        assertThrows(InvalidRequestException.class, () -> tok.streamDecoder().push(-1));
        // a generated id past the vocabulary (a padded embedding row) streams no text, as HF decode drops it
        assertEquals("", tok.streamDecoder().push(1000));
    }

    @Test
    void matchesAnIndependentBpeOnRandomText() throws IOException {
        ReferenceBpe reference = new ReferenceBpe(dir.resolve("tokenizer.json"));
        Random random = new Random(42);
        String[] alphabet = {"a", "e", "t", "h", "o", "n", "s", " ", " ", "L", "i", "l", "y", ".", ",", "!",
            "é", "ñ", "中", "文", "🐶", "\n", "—", "Ω", "the", " was", "Once", " upon", " time"};
        List<String> texts = new ArrayList<>(List.of("Once upon a time, there was a little girl named Lily.",
                "Tim and Lily played in the park. They were happy!", "  two leading spaces", "tab\there"));
        for (int n = 0; n < 300; n++) {
            StringBuilder s = new StringBuilder();
            int length = 1 + random.nextInt(25);
            for (int i = 0; i < length; i++) {
                s.append(alphabet[random.nextInt(alphabet.length)]);
            }
            texts.add(s.toString());
        }
        for (String text : texts) {
            int[] ids = tok.encode(text, false);
            assertArrayEquals(reference.encode(text), ids, () -> "encoding of \"" + text + "\"");
            assertEquals(text, tok.decode(ids), () -> "round trip of \"" + text + "\"");
            assertEquals(text, streamDecode(tok, ids), () -> "stream decode of \"" + text + "\"");
        }
    }

    @Test
    void streamDecodingOfMultiByteCharactersNeverEmitsBrokenPieces() {
        String text = "Lily saw a 🐶 and a 中文 sign. Ωmega café — done!";
        int[] ids = tok.encode(text);
        StreamDecoder stream = tok.streamDecoder();
        StringBuilder out = new StringBuilder();
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            String piece = stream.push(id);
            assertFalse(piece.contains("\uFFFD"), () -> "broken piece " + piece);
            pieces.add(piece);
            out.append(piece);
        }
        out.append(stream.flush());
        assertEquals(tok.decode(ids), out.toString());
        assertEquals(text, out.toString());
        // the dog's four byte tokens: three pushes return nothing, the fourth the whole emoji
        int dogStart = -1;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == 3 + 0xF0) {
                dogStart = i;
                break;
            }
        }
        assertEquals(List.of("", "", "", "🐶"), pieces.subList(dogStart, dogStart + 4));
        // SentencePiece spaces: "▁upon" after "Once" comes out as " upon", the first word has none
        StreamDecoder words = tok.streamDecoder();
        assertEquals("", words.push(1));
        assertEquals("Once", words.push(403));
        assertEquals(" upon", words.push(407));
        assertEquals(" a", words.push(261));
        assertEquals("", words.flush());
    }

    private static String streamDecode(Tokenizer tokenizer, int[] ids) {
        StreamDecoder stream = tokenizer.streamDecoder();
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            out.append(stream.push(id));
        }
        return out.append(stream.flush()).toString();
    }

    /**
     * SentencePiece-style BPE as Hugging Face's BPE model runs it, written from the algorithm: prepend "▁",
     * replace spaces by "▁", split into characters (unknown characters become their UTF-8 bytes as
     * {@code <0xNN>} pieces), then repeatedly merge the adjacent pair with the lowest merge rank.
     */
    static final class ReferenceBpe {
        private final Map<String, Integer> vocab = new HashMap<>();
        private final Map<String, Integer> ranks = new HashMap<>();

        ReferenceBpe(Path tokenizerJson) throws IOException {
            JsonNode model = new ObjectMapper().readTree(Files.readString(tokenizerJson)).get("model");
            for (Iterator<Map.Entry<String, JsonNode>> it = model.get("vocab").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                vocab.put(e.getKey(), e.getValue().asInt());
            }
            JsonNode merges = model.get("merges");
            for (int r = 0; r < merges.size(); r++) {
                JsonNode m = merges.get(r);
                String pair = m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText();
                ranks.put(pair, r);
            }
        }

        int[] encode(String text) {
            String s = "▁" + text.replace(" ", "▁");
            List<String> symbols = new ArrayList<>();
            s.codePoints().forEach(cp -> {
                String ch = new String(Character.toChars(cp));
                if (vocab.containsKey(ch)) {
                    symbols.add(ch);
                } else {
                    for (byte b : ch.getBytes(StandardCharsets.UTF_8)) {
                        symbols.add(String.format("<0x%02X>", b & 0xFF));
                    }
                }
            });
            while (true) {
                int best = -1;
                int bestRank = Integer.MAX_VALUE;
                for (int i = 0; i + 1 < symbols.size(); i++) {
                    Integer rank = ranks.get(symbols.get(i) + " " + symbols.get(i + 1));
                    if (rank != null && rank < bestRank) {
                        bestRank = rank;
                        best = i;
                    }
                }
                if (best < 0) {
                    break;
                }
                symbols.set(best, symbols.get(best) + symbols.remove(best + 1));
            }
            return symbols.stream().mapToInt(vocab::get).toArray();
        }
    }
}
