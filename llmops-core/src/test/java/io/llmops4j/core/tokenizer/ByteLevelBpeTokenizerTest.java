package io.llmops4j.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GPT-2 style byte-level BPE tokenizer written by the test itself: every byte is a token (id = byte value,
 * spelled with GPT-2's byte-to-unicode table, so the space byte is "Ġ"), plus a handful of merges. Expected ids
 * are worked out by hand from that table and the merge list below.
 */
class ByteLevelBpeTokenizerTest {
    /** Merges in rank order; the merged token gets id 256 + rank. */
    private static final String[][] MERGES = {
        {"h", "e"},        // 256 "he"
        {"l", "l"},        // 257 "ll"
        {"Ġ", "w"},        // 258 "Ġw"
        {"o", "r"},        // 259 "or"
        {"Ġw", "or"},      // 260 "Ġwor"
        {"he", "ll"},      // 261 "hell"
        {"hell", "o"},     // 262 "hello"
        {"Ġwor", "l"},     // 263 "Ġworl"
        {"Ġworl", "d"},    // 264 "Ġworld"
    };
    private static final int END_OF_TEXT = 265;

    @TempDir
    Path dir;

    @Test
    void encodesWithMergesAndByteLevelSpaces() {
        try (Tokenizer tok = load(null)) {
            // "hello" -> he(256) + ll(257) -> hell(261) + o -> hello(262); " world" -> Ġ w -> Ġw ... -> Ġworld(264)
            assertArrayEquals(new int[] {262, 264}, tok.encode("hello world"));
            // the ByteLevel post-processor adds no special tokens and no add_bos_token is configured
            assertArrayEquals(tok.encode("hello world", false), tok.encode("hello world", true));
            assertEquals("hello world", tok.decode(new int[] {262, 264}));
            // "é" is UTF-8 C3 A9: byte tokens 195 and 169 (no merge covers them)
            assertArrayEquals(new int[] {104, 195, 169, 257, 111}, tok.encode("héllo"));
            assertEquals("Ġworld", tok.idToToken(264));
            assertEquals(OptionalInt.of(32), tok.tokenToId("Ġ"));
            assertEquals(266, tok.vocabSize());
            assertEquals(java.util.Set.of(END_OF_TEXT), tok.specialTokenIds());
        }
    }

    @Test
    void specialTokensAreSkippedOrKeptOnDecode() {
        try (Tokenizer tok = load(null)) {
            int[] ids = {262, END_OF_TEXT, 264};
            assertEquals("hello world", tok.decode(ids));
            assertEquals("hello<|endoftext|> world", tok.decode(ids, false));
        }
    }

    @Test
    void addBosAndEosTokenFromConfigWhenThePostProcessorDoesNot() throws IOException {
        String config = """
                {"add_bos_token": true, "add_eos_token": true,
                 "bos_token": {"content": "<|endoftext|>", "special": true},
                 "eos_token": "<|endoftext|>", "chat_template": [
                   {"name": "tool_use", "template": "T"}, {"name": "default", "template": "D"}]}""";
        try (Tokenizer tok = load(config)) {
            assertArrayEquals(new int[] {END_OF_TEXT, 262, 264, END_OF_TEXT}, tok.encode("hello world"));
            assertArrayEquals(new int[] {262, 264}, tok.encode("hello world", false));
            assertEquals(OptionalInt.of(END_OF_TEXT), tok.bosTokenId());
            assertEquals("<|endoftext|>", tok.eosToken().orElseThrow());
            assertEquals("D", tok.chatTemplate().orElseThrow());
        }
    }

    @Test
    void streamDecodingHoldsPartialCharactersAndMatchesFullDecode() {
        try (Tokenizer tok = load(null)) {
            String text = "hello wörld, 中文 and 🐶! héllo";
            int[] ids = tok.encode(text);
            StreamDecoder stream = tok.streamDecoder();
            StringBuilder out = new StringBuilder();
            List<String> pieces = new ArrayList<>();
            for (int id : ids) {
                String piece = stream.push(id);
                assertFalse(piece.contains("\uFFFD"), "piece with a broken character: " + piece);
                pieces.add(piece);
                out.append(piece);
            }
            out.append(stream.flush());
            assertEquals(tok.decode(ids), out.toString());
            assertEquals(text, out.toString());
            // every byte is its own token here (no merges apply), so "中" (E4 B8 AD) takes three pushes:
            // the first two return nothing, the third returns the whole character
            int start = indexOfSubArray(ids, new int[] {0xE4, 0xB8, 0xAD});
            assertEquals(List.of("", "", "中"), pieces.subList(start, start + 3));
        }
    }

    @Test
    void flushReturnsAnIncompleteTailAsReplacementCharacter() {
        try (Tokenizer tok = load(null)) {
            StreamDecoder stream = tok.streamDecoder();
            assertEquals("hello", stream.push(262));
            assertEquals("", stream.push(0xE4)); // first byte of a three-byte character
            String tail = stream.flush();
            assertEquals(tok.decode(new int[] {262, 0xE4}).substring("hello".length()), tail);
            assertTrue(tail.contains("\uFFFD"));
            assertEquals("", stream.flush());
        }
    }

    /** Ids past the vocabulary (padding rows of a model's embedding) decode to nothing, even inside a character. */
    @Test
    void idsBeyondTheVocabularyStreamNoText() {
        try (Tokenizer tok = load(null)) {
            int padding = tok.vocabSize();
            StreamDecoder stream = tok.streamDecoder();
            assertEquals("hello", stream.push(262));
            assertEquals("", stream.push(padding + 5));
            assertEquals("", stream.push(0xE4));
            assertEquals("", stream.push(padding));
            assertEquals("", stream.push(0xB8));
            assertEquals("中", stream.push(0xAD));
            assertEquals("", stream.flush());
            assertThrows(io.llmops4j.core.InvalidRequestException.class, () -> stream.push(-1));
        }
    }

    private static int indexOfSubArray(int[] ids, int[] sub) {
        outer:
        for (int i = 0; i + sub.length <= ids.length; i++) {
            for (int j = 0; j < sub.length; j++) {
                if (ids[i + j] != sub[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("sub-sequence not found");
    }

    private Tokenizer load(String tokenizerConfig) {
        try {
            Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson(), StandardCharsets.UTF_8);
            if (tokenizerConfig != null) {
                Files.writeString(dir.resolve("tokenizer_config.json"), tokenizerConfig, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return Tokenizer.load(dir);
    }

    /** GPT-2's byte-to-unicode table: printable Latin-1 bytes map to themselves, the rest to U+0100 onwards. */
    static char[] byteToUnicode() {
        char[] table = new char[256];
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = printable ? (char) b : (char) (256 + next++);
        }
        return table;
    }

    static String tokenizerJson() {
        char[] table = byteToUnicode();
        StringBuilder vocab = new StringBuilder();
        for (int b = 0; b < 256; b++) {
            vocab.append(b == 0 ? "" : ",").append(quote(String.valueOf(table[b]))).append(':').append(b);
        }
        StringBuilder merges = new StringBuilder();
        for (int r = 0; r < MERGES.length; r++) {
            vocab.append(',').append(quote(MERGES[r][0] + MERGES[r][1])).append(':').append(256 + r);
            merges.append(r == 0 ? "" : ",").append(quote(MERGES[r][0] + " " + MERGES[r][1]));
        }
        return """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [{"id": 265, "content": "<|endoftext|>", "single_word": false, "lstrip": false,
                                   "rstrip": false, "normalized": false, "special": true}],
                 "normalizer": null,
                 "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true,
                                   "use_regex": true},
                 "post_processor": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false,
                                    "use_regex": true},
                 "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
                 "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": "",
                           "end_of_word_suffix": "", "fuse_unk": false, "byte_fallback": false,
                           "vocab": {%s}, "merges": [%s]}}
                """.formatted(vocab, merges);
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
