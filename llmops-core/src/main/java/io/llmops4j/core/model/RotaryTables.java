package io.llmops4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings in Hugging Face's rotate_half layout: channel {@code i} and {@code i + dim/2} of a
 * head form one rotating pair, and both halves use the same frequency. {@link #tables} builds, once per forward
 * pass, the cos/sin tables of the positions; with the signed permutation matrix that performs rotate_half (built
 * once at load), {@link #apply} is four tensor operations for all heads of all positions.
 */
final class RotaryTables {
    private final RopeConfig rope;
    private NDArray rotateHalf; // built once by prepare, owned by the model's manager

    RotaryTables(RopeConfig rope) {
        this.rope = rope;
    }

    /** Builds the rotate_half matrix once, in the model's manager and compute dtype. */
    void prepare(NDManager modelManager, int headDim, DataType dtype) {
        int half = headDim / 2;
        float[] rotate = new float[headDim * headDim];
        for (int j = 0; j < half; j++) {
            rotate[(j + half) * headDim + j] = -1f; // out[j] = -x[j + half]
            rotate[j * headDim + j + half] = 1f; // out[j + half] = x[j]
        }
        NDArray r = modelManager.create(rotate, new Shape(headDim, headDim));
        rotateHalf = dtype == DataType.FLOAT32 ? r : r.toType(dtype, false);
        if (rotateHalf != r) {
            r.close();
        }
    }

    /**
     * Tables for positions {@code start .. end-1}: {@code cos} and {@code sin} of shape {@code [t, 1, dim]}
     * (broadcast over heads) and {@code rotateHalf} (built by {@link #prepare}), the {@code [dim, dim]} matrix with
     * {@code x @ rotateHalf == cat(-x[dim/2:], x[:dim/2])}; length-dependent frequencies are those for a sequence of
     * {@code ropeLength} (the end of the whole input this pass belongs to).
     */
    Tables tables(NDManager mgr, int start, int end, int ropeLength, DataType dtype) {
        float[] inv = rope.inverseFrequencies(ropeLength);
        int half = inv.length;
        int dim = 2 * half;
        int t = end - start;
        float[] cos = new float[t * dim];
        float[] sin = new float[t * dim];
        for (int p = 0; p < t; p++) {
            for (int i = 0; i < half; i++) {
                // float32 product, as transformers computes inv_freq @ position_ids in float32
                float angle = (float) (start + p) * inv[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[p * dim + i] = c;
                cos[p * dim + i + half] = c;
                sin[p * dim + i] = s;
                sin[p * dim + i + half] = s;
            }
        }
        return new Tables(cast(mgr.create(cos, new Shape(t, 1, dim)), dtype),
                cast(mgr.create(sin, new Shape(t, 1, dim)), dtype), rotateHalf);
    }

    private static NDArray cast(NDArray a, DataType dtype) {
        return dtype == DataType.FLOAT32 ? a : a.toType(dtype, false);
    }

    /**
     * {@code x * cos + rotate_half(x) * sin} for {@code x} of shape {@code [1, t, heads, dim]}. The matrix product
     * is exact: each output channel is one input channel times -1 or +1.
     */
    static NDArray apply(NDArray x, Tables tables) {
        return x.mul(tables.cos).add(x.matMul(tables.rotateHalf).mul(tables.sin));
    }

    /** The per-forward-pass tables; see {@link RotaryTables#tables}. */
    record Tables(NDArray cos, NDArray sin, NDArray rotateHalf) {
    }
}
