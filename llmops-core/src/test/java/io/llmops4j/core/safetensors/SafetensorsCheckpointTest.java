package io.llmops4j.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmops4j.core.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Single-file and sharded checkpoints, and the errors for missing files, shards, tensors and wrong shapes. */
class SafetensorsCheckpointTest {

    @TempDir
    Path tmp;

    private static float[] ramp(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i * scale;
        }
        return v;
    }

    private static SafetensorsWriter fourTensors() {
        return new SafetensorsWriter()
                .add("model.embed_tokens.weight", DType.F32, new long[] {8, 4}, ramp(32, 0.5f)) // 128 bytes
                .add("model.layers.0.self_attn.q_proj.weight", DType.BF16, new long[] {4, 4}, ramp(16, 0.25f)) // 32
                .add("model.norm.weight", DType.F16, new long[] {4}, ramp(4, 1f)) // 8
                .add("lm_head.weight", DType.F32, new long[] {8, 4}, ramp(32, -1f)); // 128
    }

    @Test
    void singleFileCheckpoint() {
        fourTensors().write(tmp.resolve("model.safetensors"));
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(tmp)) {
            assertThat(c.names()).containsExactly("model.embed_tokens.weight",
                    "model.layers.0.self_attn.q_proj.weight", "model.norm.weight", "lm_head.weight");
            assertThat(c.contains("lm_head.weight")).isTrue();
            assertThat(c.contains("lm_head.bias")).isFalse();
            assertThat(c.readFloats("model.norm.weight")).containsExactly(0f, 1f, 2f, 3f);
            assertThat(c.readFloats("model.layers.0.self_attn.q_proj.weight")).containsExactly(ramp(16, 0.25f));
            assertThat(c.slice("lm_head.weight").getFloat(4)).isEqualTo(-1f);
            c.requireShape("lm_head.weight", 8, 4);
        }
    }

    @Test
    void wrongShapeNamesFileTensorAndBothShapes() {
        Path file = tmp.resolve("model.safetensors");
        new SafetensorsWriter().add("model.layers.0.self_attn.q_proj.weight", DType.F32, new long[] {64, 32},
                new float[64 * 32]).write(file);
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(tmp)) {
            assertThatThrownBy(() -> c.requireShape("model.layers.0.self_attn.q_proj.weight", 64, 64))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessage(file + ": tensor 'model.layers.0.self_attn.q_proj.weight' has shape [64, 32], "
                            + "expected [64, 64]");
        }
    }

    @Test
    void missingTensorNamesTheCheckpointAndTensor() {
        fourTensors().write(tmp.resolve("model.safetensors"));
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(tmp)) {
            assertThatThrownBy(() -> c.info("model.layers.1.mlp.up_proj.weight"))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageStartingWith("checkpoint " + tmp + " has no tensor 'model.layers.1.mlp.up_proj.weight'");
            assertThatThrownBy(() -> c.requireShape("nope", 1)).hasMessageContaining("no tensor 'nope'");
        }
    }

    @Test
    void directoryWithoutWeights() {
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(tmp)).isInstanceOf(ModelFormatException.class)
                .hasMessage("checkpoint " + tmp + " has neither model.safetensors nor model.safetensors.index.json");
    }

    @Test
    void shardedCheckpointInHuggingFaceLayout() throws IOException {
        // 128 + 32 + 8 + 128 bytes with at most 170 per shard: [embed, q_proj, norm] = 168, then [lm_head].
        int shards = fourTensors().writeSharded(tmp, 170);
        assertThat(shards).isEqualTo(2);
        assertThat(tmp.resolve("model-00001-of-00002.safetensors")).exists();
        assertThat(tmp.resolve("model-00002-of-00002.safetensors")).exists();
        assertThat(tmp.resolve("model.safetensors")).doesNotExist();
        JsonNode index = new ObjectMapper().readTree(tmp.resolve("model.safetensors.index.json").toFile());
        assertThat(index.at("/metadata/total_size").asLong()).isEqualTo(128 + 32 + 8 + 128);
        assertThat(index.at("/weight_map/lm_head.weight").asText()).isEqualTo("model-00002-of-00002.safetensors");
        assertThat(index.at("/weight_map/model.norm.weight").asText()).isEqualTo("model-00001-of-00002.safetensors");
        assertThat(index.get("weight_map").size()).isEqualTo(4);

        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(tmp)) {
            assertThat(c.names()).containsExactlyInAnyOrder("model.embed_tokens.weight",
                    "model.layers.0.self_attn.q_proj.weight", "model.norm.weight", "lm_head.weight");
            assertThat(c.readFloats("lm_head.weight")).containsExactly(ramp(32, -1f));
            assertThat(c.readFloats("model.embed_tokens.weight")).containsExactly(ramp(32, 0.5f));
            assertThat(c.info("lm_head.weight").file().getFileName().toString())
                    .isEqualTo("model-00002-of-00002.safetensors");
        }
    }

    @Test
    void eachTensorLargerThanTheLimitGetsItsOwnShard() {
        assertThat(fourTensors().writeSharded(tmp, 1)).isEqualTo(4);
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(tmp)) {
            assertThat(c.info("model.norm.weight").file().getFileName().toString())
                    .isEqualTo("model-00003-of-00004.safetensors");
        }
    }

    @Test
    void indexPointingToAMissingShard() throws IOException {
        fourTensors().writeSharded(tmp, 170);
        Files.delete(tmp.resolve("model-00002-of-00002.safetensors"));
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(tmp)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.safetensors.index.json")
                .hasMessageContaining("shard 'model-00002-of-00002.safetensors' does not exist")
                .hasMessageContaining("lm_head.weight");
    }

    @Test
    void indexNamingATensorItsShardLacks() throws IOException {
        fourTensors().writeSharded(tmp, 170);
        Path index = tmp.resolve("model.safetensors.index.json");
        Files.writeString(index, Files.readString(index).replace("\"lm_head.weight\"", "\"lm_head.bias\""));
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(tmp)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("weight_map puts tensor 'lm_head.bias' in "
                        + tmp.resolve("model-00002-of-00002.safetensors"))
                .hasMessageContaining("that shard has no such tensor");
    }

    @Test
    void malformedIndexes() throws IOException {
        Path index = tmp.resolve("model.safetensors.index.json");
        for (String[] c : List.of(
                new String[] {"{\"weight_map\": ", "not well-formed JSON"},
                new String[] {"{\"metadata\": {}}", "expected an object \"weight_map\""},
                new String[] {"{\"weight_map\": {\"a\": 3}}", "weight_map entry 'a' must be a shard file name, found 3"},
                new String[] {"{\"weight_map\": {\"a\": \"../x.safetensors\"}}", "expected a file name inside"})) {
            Files.writeString(index, c[0]);
            assertThatThrownBy(() -> SafetensorsCheckpoint.open(tmp)).as(c[0])
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining(index.toString()).hasMessageContaining(c[1]);
        }
    }

    @Test
    void invalidShardIsReportedWithItsOwnFileName() throws IOException {
        fourTensors().writeSharded(tmp, 170);
        Path shard = tmp.resolve("model-00001-of-00002.safetensors");
        Files.write(shard, new byte[] {1, 2});
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(tmp)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(shard.toString()).hasMessageContaining("file is 2 bytes");
    }

    @Test
    void closeTwiceIsHarmless() {
        fourTensors().writeSharded(tmp, 170);
        SafetensorsCheckpoint c = SafetensorsCheckpoint.open(tmp);
        c.close();
        c.close();
        assertThatThrownBy(() -> c.readFloats("lm_head.weight")).isInstanceOf(IllegalStateException.class);
    }
}
