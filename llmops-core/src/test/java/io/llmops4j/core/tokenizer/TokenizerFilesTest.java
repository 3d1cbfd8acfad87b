package io.llmops4j.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmops4j.core.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the tokenizer files: BOS policy against the post-processor, config forms, and bad input. */
class TokenizerFilesTest {
    private static final int EOT = 265; // "<|endoftext|>" in ByteLevelBpeTokenizerTest's vocabulary

    /** The byte-level tokenizer with a post-processor that puts "<|endoftext|>" in front, Llama style. */
    private static final String WITH_BOS_TEMPLATE = ByteLevelBpeTokenizerTest.tokenizerJson().replace(
            "\"post_processor\": {\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": false,\n"
                    + "                    \"use_regex\": true}",
            """
            "post_processor": {"type": "TemplateProcessing",
              "single": [{"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
              "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
              "special_tokens": {"<|endoftext|>": {"id": "<|endoftext|>", "ids": [265], "tokens": ["<|endoftext|>"]}}}""");

    @TempDir
    Path dir;

    @Test
    void bosIsNeverAddedTwiceAndRemovedWhenTheConfigSaysFalse() throws IOException {
        assertTrue(WITH_BOS_TEMPLATE.contains("TemplateProcessing"));
        write("tokenizer.json", WITH_BOS_TEMPLATE);
        try (Tokenizer tok = Tokenizer.load(dir)) {
            assertArrayEquals(new int[] {EOT, 262, 264}, tok.encode("hello world")); // post-processor alone
        }
        write("tokenizer_config.json", "{\"add_bos_token\": true, \"bos_token\": \"<|endoftext|>\"}");
        try (Tokenizer tok = Tokenizer.load(dir)) {
            assertArrayEquals(new int[] {EOT, 262, 264}, tok.encode("hello world"));
        }
        write("tokenizer_config.json", "{\"add_bos_token\": false, \"bos_token\": \"<|endoftext|>\"}");
        try (Tokenizer tok = Tokenizer.load(dir)) {
            assertArrayEquals(new int[] {262, 264}, tok.encode("hello world"));
        }
    }

    @Test
    void specialTokensMapFillsWhatTheConfigLeavesOut() throws IOException {
        write("tokenizer.json", ByteLevelBpeTokenizerTest.tokenizerJson());
        write("tokenizer_config.json", "{\"model_max_length\": 1000000000000000019884624838656}");
        write("special_tokens_map.json", "{\"bos_token\": {\"content\": \"<|endoftext|>\", \"lstrip\": false},"
                + " \"eos_token\": \"<|endoftext|>\", \"pad_token\": \"<|endoftext|>\"}");
        write("chat_template.jinja", "{{ messages }}");
        try (Tokenizer tok = Tokenizer.load(dir)) {
            assertEquals(OptionalInt.of(EOT), tok.bosTokenId());
            assertEquals(OptionalInt.of(EOT), tok.eosTokenId());
            assertEquals(Optional.of("<|endoftext|>"), tok.padToken());
            assertEquals(OptionalInt.empty(), tok.modelMaxLength()); // transformers' "no limit" sentinel
            assertEquals(Optional.of("{{ messages }}"), tok.chatTemplate());
        }
    }

    @Test
    void missingDirectoryOrTokenizerJson() {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Tokenizer.load(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("not a directory"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> Tokenizer.load(dir));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void malformedTokenizerJson() throws IOException {
        write("tokenizer.json", "{\"model\": {\"type\": \"BPE\",\n \"vocab\": {\"a\": 0,}}}");
        assertMessage("tokenizer.json", "malformed JSON at line 2");
        write("tokenizer.json", "[1, 2]");
        assertMessage("tokenizer.json", "expected a JSON object");
        write("tokenizer.json", "{\"version\": \"1.0\"}");
        assertMessage("tokenizer.json", "'model'");
        write("tokenizer.json", "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": -3}}}");
        assertMessage("tokenizer.json", "model.vocab['a'] must be a non-negative integer");
        write("tokenizer.json", "{\"added_tokens\": [], \"model\": {\"type\": \"NoSuchModel\", \"vocab\": {\"a\": 0}}}");
        assertMessage("tokenizer.json", "rejected");
        write("tokenizer.json", "");
        assertMessage("tokenizer.json", "empty");
    }

    @Test
    void malformedTokenizerConfig() throws IOException {
        write("tokenizer.json", ByteLevelBpeTokenizerTest.tokenizerJson());
        write("tokenizer_config.json", "{\"add_bos_token\": true,, }");
        assertMessage("tokenizer_config.json", "malformed JSON at line 1");
        write("tokenizer_config.json", "{\"add_bos_token\": \"yes\", \"bos_token\": \"<|endoftext|>\"}");
        assertMessage("tokenizer_config.json", "'add_bos_token' must be true or false, found \"yes\"");
        write("tokenizer_config.json", "{\"bos_token\": 7}");
        assertMessage("tokenizer_config.json", "'bos_token' must be a string or an object");
        write("tokenizer_config.json", "{\"eos_token\": \"<|im_end|>\"}");
        assertMessage("tokenizer.json", "eos_token '<|im_end|>'");
        write("tokenizer_config.json", "{\"add_eos_token\": true}");
        assertMessage("tokenizer_config.json", "add_eos_token is true but no eos_token");
        write("tokenizer_config.json", "{\"chat_template\": 42}");
        assertMessage("tokenizer_config.json", "'chat_template' must be a string or a list");
        write("tokenizer_config.json", "{\"chat_template\": [{\"name\": \"default\"}]}");
        assertMessage("tokenizer_config.json", "chat_template[0]");
        write("tokenizer_config.json", "{\"model_max_length\": \"long\"}");
        assertMessage("tokenizer_config.json", "'model_max_length' must be a number");
        write("tokenizer_config.json", "{\"model_max_length\": 0}");
        assertMessage("tokenizer_config.json", "'model_max_length' must be at least 1");
        write("tokenizer_config.json", "{}");
        write("special_tokens_map.json", "{\"bos_token\": [\"<s>\"]}");
        assertMessage("special_tokens_map.json", "'bos_token' must be a string or an object");
    }

    private void assertMessage(String file, String expected) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Tokenizer.load(dir));
        assertTrue(e.getMessage().contains(file) && e.getMessage().contains(expected),
                () -> "expected '" + expected + "' about " + file + " in: " + e.getMessage());
    }

    private void write(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content);
    }
}
