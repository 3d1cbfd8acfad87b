package io.llmops4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/**
 * A loaded projection weight {@code W [out, in]} (and bias) applied as {@code x W^T + b}. For a single position
 * on the CPU, PyTorch's matrix-vector product runs on one thread however many it has, which caps decoding at one
 * core's memory bandwidth. So, when {@code ways > 1} divides {@code out}, this also holds a view of {@code W} as
 * {@code ways} blocks of rows, {@code [ways, in, out / ways]}: one batched product over the blocks, which
 * PyTorch spreads across its intra-op threads, computes the same outputs in the same order.
 */
final class DenseWeight {
    private final NDArray weight;
    private final NDArray bias;
    private final NDArray rowBlocks; // [ways, in, out/ways] view of weight, or null
    private final long in;
    private final long out;

    /** Wraps {@code weight} and {@code bias} (may be null); the block view lives as long as the weight's manager. */
    DenseWeight(NDArray weight, NDArray bias, int ways) {
        this.weight = weight;
        this.bias = bias;
        this.out = weight.getShape().get(0);
        this.in = weight.getShape().get(1);
        if (ways > 1 && out % ways == 0 && !weight.getDevice().isGpu()) {
            try (NDArray blocks = weight.reshape(ways, out / ways, in)) {
                this.rowBlocks = blocks.transpose(0, 2, 1);
            }
        } else {
            this.rowBlocks = null;
        }
    }

    NDArray apply(NDArray x) {
        if (rowBlocks != null && x.size() == in) {
            // [1, 1, in] @ [ways, in, out/ways] -> [ways, 1, out/ways], whose row-major order is the output order
            Shape outShape = x.getShape().slice(0, x.getShape().dimension() - 1).add(out);
            NDArray y = x.matMul(rowBlocks).reshape(outShape);
            return bias == null ? y : y.add(bias);
        }
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }
}
