package io.llmops4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Cos/sin tables of rotary position embeddings in Hugging Face's rotate_half layout: channel {@code i} and
 * {@code i + dim/2} of a head form one rotating pair, and both halves use the same frequency.
 */
final class RotaryTables {
    private final RopeConfig rope;

    RotaryTables(RopeConfig rope) {
        this.rope = rope;
    }

    /** {@code [cos, sin]}, each {@code [t, dim]}, for positions {@code start .. end-1}. */
    NDArray[] cosSin(NDManager mgr, int start, int end, DataType dtype) {
        float[] inv = rope.inverseFrequencies(end);
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
        NDArray cosArr = mgr.create(cos, new Shape(t, dim));
        NDArray sinArr = mgr.create(sin, new Shape(t, dim));
        if (dtype != DataType.FLOAT32) {
            cosArr = cosArr.toType(dtype, false);
            sinArr = sinArr.toType(dtype, false);
        }
        return new NDArray[] {cosArr, sinArr};
    }

    /** x * cos + rotate_half(x) * sin for {@code x} of shape {@code [1, heads, t, dim]}. */
    static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        long dim = x.getShape().get(3);
        NDArray first = x.get(":, :, :, :{}", dim / 2);
        NDArray second = x.get(":, :, :, {}:", dim / 2);
        NDArray rotated = second.neg().concat(first, 3);
        return x.mul(cos).add(rotated.mul(sin));
    }
}
