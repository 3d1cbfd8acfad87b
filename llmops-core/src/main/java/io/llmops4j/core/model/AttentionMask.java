package io.llmops4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Additive attention masks: 0 where a query may attend to a key, -inf where it may not. */
final class AttentionMask {
    private AttentionMask() {
    }

    /**
     * The causal (optionally sliding-window) mask {@code [t, start+t]} for queries at positions
     * {@code start .. start+t-1}, or {@code null} when nothing is masked (a single query with full attention).
     */
    static NDArray causal(NDManager mgr, int start, int t, int window, DataType dtype) {
        int keys = start + t;
        if (t == 1 && (window == 0 || keys <= window)) {
            return null;
        }
        float[] mask = new float[t * keys];
        for (int q = 0; q < t; q++) {
            int pos = start + q;
            for (int k = 0; k < keys; k++) {
                boolean visible = k <= pos && (window == 0 || pos - k < window);
                mask[q * keys + k] = visible ? 0f : Float.NEGATIVE_INFINITY;
            }
        }
        NDArray m = mgr.create(mask, new Shape(t, keys));
        return dtype == DataType.FLOAT32 ? m : m.toType(dtype, false);
    }
}
