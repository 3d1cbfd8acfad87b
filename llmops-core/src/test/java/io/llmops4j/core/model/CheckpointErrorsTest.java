package io.llmops4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmops4j.core.InvalidRequestException;
import io.llmops4j.core.LanguageModel;
import io.llmops4j.core.ModelFormatException;
import io.llmops4j.core.safetensors.DType;
import io.llmops4j.core.safetensors.SafetensorsWriter;
import io.llmops4j.core.testing.TinyCheckpoint;
import io.llmops4j.core.testing.TinyCheckpoints;
import io.llmops4j.core.testing.TinyCheckpoints.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken checkpoint directories: each gives a {@link ModelFormatException} that names the file and the problem. */
class CheckpointErrorsTest {
    @TempDir
    Path tmp;

    private Path checkpoint(Variant v) {
        Path dir = tmp.resolve(v.name());
        TinyCheckpoints.write(dir, v, 1);
        return dir;
    }

    private void editConfig(Path dir, String from, String to) throws IOException {
        Path config = dir.resolve("config.json");
        String json = Files.readString(config);
        assertThat(json).contains(from);
        Files.writeString(config, json.replace(from, to));
    }

    @Test
    void unknownArchitectureListsTheSupportedOnes() throws IOException {
        Path dir = checkpoint(Variant.LLAMA);
        editConfig(dir, "LlamaForCausalLM", "FalconForCausalLM");
        assertThatThrownBy(() -> LanguageModel.load(dir))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("config.json")
                .hasMessageContaining("unsupported architecture 'FalconForCausalLM'")
                .hasMessageContaining("LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM, "
                        + "GPT2LMHeadModel");
    }

    @Test
    void malformedConfigJson() throws IOException {
        Path dir = checkpoint(Variant.LLAMA);
        Files.writeString(dir.resolve("config.json"), "{\"architectures\": [\"LlamaForCausalLM\"], ");
        assertThatThrownBy(() -> LanguageModel.load(dir))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("config.json: not valid JSON");
    }

    @Test
    void missingAndInvalidFields() throws IOException {
        Path dir = checkpoint(Variant.LLAMA);
        editConfig(dir, "\"hidden_size\"", "\"hidden_sizes\"");
        assertThatThrownBy(() -> LanguageModel.load(dir))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("required field 'hidden_size' is missing");

        Path gqa = checkpoint(Variant.LLAMA_GQA_TIED);
        editConfig(gqa, "\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3");
        assertThatThrownBy(() -> LanguageModel.load(gqa))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("'num_key_value_heads' must be a divisor of num_attention_heads (4), found 3");

        Path rope = checkpoint(Variant.LLAMA_ROPE_LINEAR);
        editConfig(rope, "\"linear\"", "\"yarn-ish\"");
        assertThatThrownBy(() -> LanguageModel.load(rope))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("rope_type 'yarn-ish' is not supported");

        Path qwen = checkpoint(Variant.QWEN2);
        editConfig(qwen, "\"use_sliding_window\": false", "\"use_sliding_window\": true, "
                + "\"layer_types\": [\"sliding_attention\"]");
        assertThatThrownBy(() -> LanguageModel.load(qwen))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("'layer_types' must be a list of 2 layer types (num_hidden_layers), found [\"sliding_attention\"]");
    }

    @Test
    void missingConfigAndMissingWeights() throws IOException {
        Path dir = checkpoint(Variant.LLAMA);
        Files.delete(dir.resolve("config.json"));
        assertThatThrownBy(() -> LanguageModel.load(dir))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("config.json: file not found");
        assertThatThrownBy(() -> LanguageModel.load(tmp.resolve("nowhere")))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("not a directory");
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Path dir = checkpoint(Variant.LLAMA);
        // the config now promises a third layer the weights do not have
        editConfig(dir, "\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3");
        assertThatThrownBy(() -> LanguageModel.load(dir))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("has no tensor 'model.layers.2.");
    }

    /** A Qwen3 checkpoint must carry every layer's q_norm and k_norm; one without is refused, naming the tensor. */
    @Test
    void qwen3WithoutQNormIsNamed() {
        Path dir = tmp.resolve("qwen3-no-q-norm");
        TinyCheckpoint full = TinyCheckpoints.write(tmp.resolve("qwen3"), Variant.QWEN3, 1);
        SafetensorsWriter w = new SafetensorsWriter();
        full.weights().forEach((name, values) -> {
            if (!name.equals("model.layers.1.self_attn.q_norm.weight")) {
                w.add(name, DType.F32, full.shapes().get(name), values);
            }
        });
        try {
            Files.createDirectories(dir);
            Files.copy(full.dir().resolve("config.json"), dir.resolve("config.json"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        w.write(dir.resolve("model.safetensors"));
        assertThatThrownBy(() -> LanguageModel.load(dir))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("has no tensor 'model.layers.1.self_attn.q_norm.weight'");
    }

    /** Qwen3 sets head_dim (16 here, not hidden / heads = 8): a config that disagrees with the weights is refused. */
    @Test
    void qwen3HeadDimThatDisagreesWithTheWeightsIsNamedWithBothShapes() throws IOException {
        Path dir = checkpoint(Variant.QWEN3);
        editConfig(dir, "\"head_dim\": 16", "\"head_dim\": 8");
        assertThatThrownBy(() -> LanguageModel.load(dir))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.safetensors: tensor 'model.layers.0.self_attn.q_proj.weight' has shape "
                        + "[64, 32], expected [32, 32]");
    }

    @Test
    void wrongShapeIsNamedWithBothShapes() throws IOException {
        Path dir = checkpoint(Variant.LLAMA);
        editConfig(dir, "\"intermediate_size\": 64", "\"intermediate_size\": 48");
        assertThatThrownBy(() -> LanguageModel.load(dir))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.safetensors: tensor 'model.layers.0.mlp.gate_proj.weight' has shape [64, 32], expected [48, 32]");
    }

    @Test
    void untiedModelWithoutLmHead() throws IOException {
        Path dir = checkpoint(Variant.LLAMA_GQA_TIED);
        editConfig(dir, "\"tie_word_embeddings\": true", "\"tie_word_embeddings\": false");
        assertThatThrownBy(() -> LanguageModel.load(dir))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("has no tensor 'lm_head.weight'");
    }

    /** An integer weight is refused with its file, tensor and dtype named, before any weight is loaded. */
    @Test
    void integerWeightIsNamedWithItsDtype() throws IOException {
        Path dir = checkpoint(Variant.LLAMA);
        Path weights = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        String file = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = file.indexOf("\"F32\""); // in the header: I32 has F32's size, so the header stays consistent
        assertThat(at).isPositive();
        bytes[at + 1] = 'I';
        Files.write(weights, bytes);
        assertThatThrownBy(() -> LanguageModel.load(dir))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageMatching("(?s).*model\\.safetensors: tensor '[^']+' has dtype I32, expected a floating-point "
                        + "dtype \\(F32, F16 or BF16\\).*");
    }

    @Test
    void truncatedWeightsFile() throws IOException {
        Path dir = checkpoint(Variant.LLAMA);
        Path weights = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> LanguageModel.load(dir))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("model.safetensors");
    }

    @Test
    void malformedTokenizerIsAFormatError() throws IOException {
        Path dir = checkpoint(Variant.LLAMA);
        Files.writeString(dir.resolve("tokenizer.json"), "{ not json");
        assertThatThrownBy(() -> LanguageModel.load(dir))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("tokenizer.json");
    }

    @Test
    void builderOptionsAreValidated() {
        assertThatThrownBy(() -> LanguageModel.builder().device("tpu"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("device must be one of [AUTO, CPU, GPU]");
        assertThatThrownBy(() -> LanguageModel.builder().dtype("int4"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("dtype must be one of");
        assertThatThrownBy(() -> LanguageModel.builder().build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("path must be set");
        assertThatThrownBy(() -> LanguageModel.builder().path(checkpoint(Variant.LLAMA)).device("gpu").build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("reports no GPU");
    }
}
