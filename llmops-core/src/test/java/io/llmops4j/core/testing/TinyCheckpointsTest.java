package io.llmops4j.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmops4j.core.safetensors.SafetensorsCheckpoint;
import io.llmops4j.core.testing.TinyCheckpoints.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixture writes what it claims: files, configs and stored values agree with the returned record. */
class TinyCheckpointsTest {

    @TempDir
    Path tmp;

    @Test
    void everyVariantWritesConsistentFiles() throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (Variant v : Variant.values()) {
            Path dir = tmp.resolve(v.name());
            TinyCheckpoint c = TinyCheckpoints.write(dir, v, 3);
            JsonNode config = json.readTree(dir.resolve("config.json").toFile());
            assertThat(config.get("architectures").get(0).asText()).isEqualTo(c.architecture());
            assertThat(json.convertValue(config, new TypeReference<Map<String, Object>>() { })).isEqualTo(c.config());
            assertThat(Files.exists(dir.resolve("generation_config.json"))).isEqualTo(v != Variant.GPT2);
            try (SafetensorsCheckpoint st = SafetensorsCheckpoint.open(dir)) {
                assertThat(st.names()).containsExactlyInAnyOrderElementsOf(c.weights().keySet());
                for (String name : c.weights().keySet()) {
                    assertThat(st.info(name).shape()).as(v + " " + name).containsExactly(c.shapes().get(name));
                    assertThat(st.readFloats(name)).as(v + " " + name).containsExactly(c.weights().get(name));
                }
            }
        }
    }

    @Test
    void variantsHaveTheirDefiningFeatures() throws IOException {
        TinyCheckpoint tied = TinyCheckpoints.write(tmp.resolve("t"), Variant.LLAMA_GQA_TIED, 1);
        assertThat(tied.weights()).doesNotContainKey("lm_head.weight");
        assertThat(tied.shapes().get("model.layers.0.self_attn.k_proj.weight")).containsExactly(16, 32);

        TinyCheckpoint qwen = TinyCheckpoints.write(tmp.resolve("q"), Variant.QWEN2, 1);
        assertThat(qwen.weights()).containsKeys("model.layers.1.self_attn.q_proj.bias",
                "model.layers.1.self_attn.k_proj.bias", "model.layers.1.self_attn.v_proj.bias");
        assertThat(qwen.weights()).doesNotContainKey("model.layers.1.self_attn.o_proj.bias");
        assertThat(qwen.config()).doesNotContainKey("attention_bias");

        TinyCheckpoint qwen3 = TinyCheckpoints.write(tmp.resolve("q3"), Variant.QWEN3, 1);
        assertThat(qwen3.config()).containsEntry("head_dim", 16).containsEntry("num_key_value_heads", 2)
                .containsEntry("tie_word_embeddings", true).containsEntry("attention_bias", false);
        assertThat(qwen3.shapes().get("model.layers.1.self_attn.q_proj.weight")).containsExactly(64, 32);
        assertThat(qwen3.shapes().get("model.layers.1.self_attn.k_proj.weight")).containsExactly(32, 32);
        assertThat(qwen3.shapes().get("model.layers.1.self_attn.o_proj.weight")).containsExactly(32, 64);
        assertThat(qwen3.shapes().get("model.layers.1.self_attn.q_norm.weight")).containsExactly(16);
        assertThat(qwen3.shapes().get("model.layers.1.self_attn.k_norm.weight")).containsExactly(16);
        assertThat(qwen3.weights()).doesNotContainKeys("lm_head.weight", "model.layers.1.self_attn.q_proj.bias",
                "model.layers.1.self_attn.o_proj.bias");

        TinyCheckpoint gpt2 = TinyCheckpoints.write(tmp.resolve("g"), Variant.GPT2, 1);
        assertThat(gpt2.shapes().get("transformer.h.0.attn.c_attn.weight")).containsExactly(32, 96);
        assertThat(gpt2.shapes().get("transformer.h.0.mlp.c_proj.weight")).containsExactly(128, 32);
        assertThat(gpt2.weights()).doesNotContainKey("lm_head.weight");

        TinyCheckpoints.write(tmp.resolve("s"), Variant.LLAMA_SHARDED, 1);
        assertThat(tmp.resolve("s/model.safetensors.index.json")).exists();
        try (var files = Files.list(tmp.resolve("s"))) {
            assertThat(files.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors")))
                    .hasSizeGreaterThanOrEqualTo(3);
        }

        TinyCheckpoint bf16 = TinyCheckpoints.write(tmp.resolve("b"), Variant.LLAMA_BF16, 1);
        assertThat(bf16.config().get("torch_dtype")).isEqualTo("bfloat16");
        for (float f : bf16.weights().get("model.embed_tokens.weight")) {
            assertThat(Float.floatToRawIntBits(f) & 0xFFFF).isZero(); // exactly representable in bf16
        }
        try (SafetensorsCheckpoint st = SafetensorsCheckpoint.open(tmp.resolve("b"))) {
            assertThat(st.info("lm_head.weight").dtype()).isEqualTo(io.llmops4j.core.safetensors.DType.BF16);
        }
        TinyCheckpoint f16 = TinyCheckpoints.write(tmp.resolve("h"), Variant.LLAMA_F16, 1);
        for (float f : f16.weights().get("model.embed_tokens.weight")) {
            assertThat(Float.float16ToFloat(Float.floatToFloat16(f))).isEqualTo(f);
        }

        JsonNode newer = new ObjectMapper().readTree(
                TinyCheckpoints.write(tmp.resolve("r"), Variant.LLAMA_ROPE_PARAMETERS, 1).dir().resolve("config.json")
                        .toFile());
        assertThat(newer.has("rope_theta")).isFalse();
        assertThat(newer.has("rope_scaling")).isFalse();
        assertThat(newer.at("/rope_parameters/rope_type").asText()).isEqualTo("llama3");

        String llama3Gen = Files.readString(
                TinyCheckpoints.write(tmp.resolve("l3"), Variant.LLAMA3_ROPE, 1).dir().resolve("generation_config.json"));
        assertThat(new ObjectMapper().readTree(llama3Gen).get("eos_token_id").isArray()).isTrue();
    }

    @Test
    void sameSeedSameCheckpointDifferentSeedDifferentWeights() {
        TinyCheckpoint a = TinyCheckpoints.write(tmp.resolve("a"), Variant.LLAMA, 5);
        TinyCheckpoint b = TinyCheckpoints.write(tmp.resolve("b"), Variant.LLAMA, 5);
        TinyCheckpoint c = TinyCheckpoints.write(tmp.resolve("c"), Variant.LLAMA, 6);
        assertThat(b.weights().get("lm_head.weight")).containsExactly(a.weights().get("lm_head.weight"));
        assertThat(c.weights().get("lm_head.weight")).isNotEqualTo(a.weights().get("lm_head.weight"));
    }

    @Test
    void configIsWrittenInTransformersLayout() throws IOException {
        Path dir = TinyCheckpoints.write(tmp.resolve("x"), Variant.LLAMA, 1).dir();
        String text = Files.readString(dir.resolve("config.json"));
        // json.dumps(indent=2, sort_keys=True): "key": value, two-space indent, keys sorted
        assertThat(text).startsWith("{\n  \"architectures\": [\n    \"LlamaForCausalLM\"\n  ],\n  \"attention_bias\": false,");
        assertThat(text).contains("\n  \"rope_scaling\": null,\n");
    }
}
