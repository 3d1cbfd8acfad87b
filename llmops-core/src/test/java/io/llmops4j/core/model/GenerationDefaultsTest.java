package io.llmops4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmops4j.core.GenerationConfig;
import io.llmops4j.core.ModelFormatException;
import io.llmops4j.core.testing.TinyCheckpoints;
import io.llmops4j.core.testing.TinyCheckpoints.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generation_config.json} read as transformers' GenerationConfig reads it (its defaults: do_sample false,
 * temperature 1.0, top_k 50, top_p 1.0; top-k skipped when top_k is None or 0).
 */
class GenerationDefaultsTest {
    @TempDir
    Path dir;
    ModelConfig model;

    @BeforeEach
    void checkpoint() {
        TinyCheckpoints.write(dir, Variant.LLAMA, 1);
        model = ModelConfig.read(dir);
    }

    private GenerationDefaults read(String json) throws IOException {
        Files.writeString(dir.resolve("generation_config.json"), json);
        return GenerationDefaults.read(dir, model);
    }

    @Test
    void withoutDoSampleTheDefaultsAreGreedy() throws IOException {
        GenerationConfig c = read("{\"temperature\": 0.6, \"top_p\": 0.9, \"eos_token_id\": [2, 7]}").config();
        assertThat(c.temperature()).isZero();
        assertThat(read("{\"temperature\": 0.6, \"eos_token_id\": [2, 7]}").eosIds()).containsExactlyInAnyOrder(2, 7);
    }

    @Test
    void samplingSettingsWithTransformersDefaults() throws IOException {
        GenerationConfig c = read("{\"do_sample\": true, \"temperature\": 0.6, \"top_p\": 0.9,"
                + " \"repetition_penalty\": 1.1, \"max_new_tokens\": 77}").config();
        assertThat(c.temperature()).isEqualTo(0.6);
        assertThat(c.topP()).isEqualTo(0.9);
        assertThat(c.topK()).as("transformers' default top_k").isEqualTo(50);
        assertThat(c.repetitionPenalty()).isEqualTo(1.1);
        assertThat(c.maxNewTokens()).isEqualTo(77);
        GenerationConfig plain = read("{\"do_sample\": true}").config();
        assertThat(plain.temperature()).isEqualTo(1.0);
        assertThat(plain.topK()).isEqualTo(50);
        assertThat(plain.topP()).isEqualTo(1.0);
    }

    @Test
    void aNullOrZeroTopKTurnsTopKOff() throws IOException {
        assertThat(read("{\"do_sample\": true, \"top_k\": null}").config().topK()).isZero();
        assertThat(read("{\"do_sample\": true, \"top_k\": 0}").config().topK()).isZero();
        assertThat(read("{\"do_sample\": true, \"top_k\": 20}").config().topK()).isEqualTo(20);
    }

    @Test
    void badValuesNameTheFileAndField() throws IOException {
        assertThatThrownBy(() -> read("{\"do_sample\": true, \"top_p\": \"high\"}"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("generation_config.json").hasMessageContaining("top_p");
        assertThatThrownBy(() -> read("{\"do_sample\": true, \"top_p\": 1.5}"))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("generation_config.json");
    }
}
