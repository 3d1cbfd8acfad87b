package io.llmops4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.llmops4j.core.safetensors.SafetensorsCheckpoint;
import io.llmops4j.core.testing.TinyCheckpoint;
import io.llmops4j.core.testing.TinyCheckpoints;
import io.llmops4j.core.testing.TinyCheckpoints.Variant;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tensors larger than a piece (over 2 GiB in real checkpoints) load in pieces of whole rows: with pieces of five
 * 32-wide rows (two 64-wide ones), every parameter must hold exactly the values the checkpoint was written with,
 * in the parameter's layout (GPT-2's Conv1D weights transposed; the Llama family's q/k/v and gate/up stacked, with
 * grouped-query attention's narrower k/v and Qwen2's q/k/v biases), from one file or from shards, in the
 * {@link WeightMemory} and in PyTorch's own allocations.
 */
class WeightLoaderTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"LLAMA, true", "LLAMA_GQA_TIED, true", "QWEN2, true", "LLAMA_SHARDED, true", "LLAMA_BF16, true",
        "GPT2, true", "LLAMA, false", "QWEN2, false", "GPT2, false"})
    void tensorsLargerThanAPieceLoadInPiecesOfRows(Variant variant, boolean weightMemory) {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve(variant.name()), variant, 3);
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
             SafetensorsCheckpoint st = SafetensorsCheckpoint.open(ckpt.dir());
             Transformer model = new Transformer(ModelConfig.read(ckpt.dir()))) {
            WeightLoader.load(model, st, manager, DataType.FLOAT32, 5 * 32 * Float.BYTES + 8, weightMemory);
            model.parametersByName().forEach((name, parameter) -> {
                String stored = ckpt.weights().containsKey(name) ? name : name.substring("transformer.".length());
                float[] values = ckpt.weights().get(stored);
                long[] shape = ckpt.shapes().get(stored);
                float[] expected = model.isStoredTransposed(name) ? transpose(values, shape) : values;
                assertThat(parameter.getArray().toFloatArray()).as(name).containsExactly(expected);
            });
        }
    }

    private static float[] transpose(float[] values, long[] shape) {
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        float[] out = new float[values.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = values[r * cols + c];
            }
        }
        return out;
    }
}
