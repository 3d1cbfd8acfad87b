package io.llmops4j.core.testing;

import java.nio.file.Path;
import java.util.Map;

/**
 * A tiny checkpoint written by {@link TinyCheckpoints}.
 *
 * @param dir          the checkpoint directory (config.json, weights, optional generation_config.json)
 * @param architecture the {@code architectures[0]} value of config.json, e.g. {@code LlamaForCausalLM}
 * @param config       config.json as written (JSON null values as Java {@code null})
 * @param weights      every stored tensor, row-major, with exactly the values stored (after bf16/f16
 *                     rounding when the checkpoint is stored in half precision)
 * @param shapes       the shape of every stored tensor
 */
public record TinyCheckpoint(Path dir, String architecture, Map<String, Object> config, Map<String, float[]> weights,
        Map<String, long[]> shapes) {
}
