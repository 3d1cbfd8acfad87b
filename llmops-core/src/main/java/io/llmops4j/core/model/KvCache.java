package io.llmops4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for one sequence, preallocated to a fixed capacity so that each decoding
 * step writes one position in place instead of re-concatenating the whole history. Owns native memory:
 * close it when the sequence ends.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int capacity;
    private int length;
    private Object kernelView; // the decode kernel's view of this cache's memory, made once

    KvCache(NDManager parent, ModelConfig cfg, int capacity, DataType dtype) {
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        this.keys = new NDArray[cfg.numLayers()];
        this.values = new NDArray[cfg.numLayers()];
        Shape shape = new Shape(1, cfg.numKvHeads(), capacity, cfg.headDim());
        for (int i = 0; i < cfg.numLayers(); i++) {
            keys[i] = manager.zeros(shape, dtype);
            values[i] = manager.zeros(shape, dtype);
        }
    }

    /** Positions filled so far. */
    public int length() {
        return length;
    }

    /** Maximum number of positions. */
    public int capacity() {
        return capacity;
    }

    /** Writes {@code k, v} ({@code [1, kvHeads, t, headDim]}) at {@code start} and returns views of all positions so far. */
    NDArray[] append(int layer, int start, NDArray k, NDArray v) {
        int end = start + (int) k.getShape().get(2);
        NDIndex slot = new NDIndex().addAllDim(2).addSliceDim(start, end); // [:, :, start:end], built without parsing
        keys[layer].set(slot, k);
        values[layer].set(slot, v);
        NDIndex upTo = new NDIndex().addAllDim(2).addSliceDim(0, end);
        return new NDArray[] {keys[layer].get(upTo), values[layer].get(upTo)};
    }

    /** The key tensor of {@code layer}, {@code [1, kvHeads, capacity, headDim]}. */
    NDArray keys(int layer) {
        return keys[layer];
    }

    /** The value tensor of {@code layer}, {@code [1, kvHeads, capacity, headDim]}. */
    NDArray values(int layer) {
        return values[layer];
    }

    /** What the decode kernel keeps about this cache's memory, or null. */
    Object kernelView() {
        return kernelView;
    }

    void kernelView(Object view) {
        this.kernelView = view;
    }

    /** Marks positions up to {@code end} as filled (called once per forward pass, after all layers). */
    void advanceTo(int end) {
        length = end;
    }

    /** Forgets everything after {@code newLength} (for re-use with a shared prefix). */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("newLength must be in [0, " + length + "], was " + newLength);
        }
        length = newLength;
    }

    @Override
    public void close() {
        manager.close();
    }
}
