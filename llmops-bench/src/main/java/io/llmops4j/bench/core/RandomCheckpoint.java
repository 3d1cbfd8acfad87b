package io.llmops4j.bench.core;

import io.llmops4j.core.safetensors.DType;
import io.llmops4j.core.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes a random-weight Llama checkpoint in Hugging Face layout, for benchmarks that need a realistically
 * sized model but no trained weights (decode speed does not depend on the values).
 */
public final class RandomCheckpoint {
    private RandomCheckpoint() {
    }

    /**
     * Writes {@code config.json} and {@code model.safetensors} (float32, tied embeddings, no EOS id so that
     * generation always runs to {@code maxNewTokens}) into a new temporary directory.
     */
    public static Path llama(int hidden, int layers, int heads, int intermediate, int vocab, int maxPositions, long seed) {
        try {
            Path dir = Files.createTempDirectory("llmops-bench-llama");
            String config = String.format(Locale.ROOT, """
                    {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": %d,
                     "intermediate_size": %d, "num_hidden_layers": %d, "num_attention_heads": %d,
                     "num_key_value_heads": %d, "vocab_size": %d, "max_position_embeddings": %d,
                     "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": true,
                     "hidden_act": "silu", "torch_dtype": "float32"}
                    """, hidden, intermediate, layers, heads, heads, vocab, maxPositions);
            Files.writeString(dir.resolve("config.json"), config);
            SplittableRandom rnd = new SplittableRandom(seed);
            SafetensorsWriter w = new SafetensorsWriter();
            w.add("model.embed_tokens.weight", DType.F32, new long[] {vocab, hidden}, gaussian(rnd, (long) vocab * hidden));
            for (int i = 0; i < layers; i++) {
                String p = "model.layers." + i + ".";
                for (String proj : new String[] {"q_proj", "k_proj", "v_proj", "o_proj"}) {
                    w.add(p + "self_attn." + proj + ".weight", DType.F32, new long[] {hidden, hidden},
                            gaussian(rnd, (long) hidden * hidden));
                }
                w.add(p + "mlp.gate_proj.weight", DType.F32, new long[] {intermediate, hidden},
                        gaussian(rnd, (long) intermediate * hidden));
                w.add(p + "mlp.up_proj.weight", DType.F32, new long[] {intermediate, hidden},
                        gaussian(rnd, (long) intermediate * hidden));
                w.add(p + "mlp.down_proj.weight", DType.F32, new long[] {hidden, intermediate},
                        gaussian(rnd, (long) intermediate * hidden));
                w.add(p + "input_layernorm.weight", DType.F32, new long[] {hidden}, ones(hidden));
                w.add(p + "post_attention_layernorm.weight", DType.F32, new long[] {hidden}, ones(hidden));
            }
            w.add("model.norm.weight", DType.F32, new long[] {hidden}, ones(hidden));
            w.write(dir.resolve("model.safetensors"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static float[] gaussian(SplittableRandom rnd, long n) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * 0.02);
        }
        return v;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }

    /** Deletes a directory written by this class. */
    public static void delete(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
