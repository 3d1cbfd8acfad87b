package io.llmops4j.core.safetensors;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where one tensor lives: its name, element type, shape and the byte range {@code [dataStart, dataEnd)} it
 * occupies, as absolute offsets in {@code file} (the header length prefix and the header are already
 * added). A shape of length zero is a scalar with one element.
 */
public record TensorInfo(String name, DType dtype, long[] shape, long dataStart, long dataEnd, Path file) {

    /** Copies {@code shape} so the record stays immutable. */
    public TensorInfo {
        shape = shape.clone();
    }

    /** A copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the shape (1 for a scalar). */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Size of the tensor's data in bytes. */
    public long byteLength() {
        return dataEnd - dataStart;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && dataStart == t.dataStart && dataEnd == t.dataEnd && file.equals(t.file);
    }

    @Override
    public int hashCode() {
        return ((name.hashCode() * 31 + dtype.hashCode()) * 31 + Arrays.hashCode(shape)) * 31
                + Long.hashCode(dataStart) + file.hashCode();
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @[" + dataStart + ", " + dataEnd + ") in " + file;
    }
}
