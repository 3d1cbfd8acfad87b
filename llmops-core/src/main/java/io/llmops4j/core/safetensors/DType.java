package io.llmops4j.core.safetensors;

import io.llmops4j.core.ModelFormatException;

/**
 * Element types of the safetensors format, with the spelling used in the header ({@code "F32"},
 * {@code "BF16"}, ...). All multi-byte types are stored little-endian.
 */
public enum DType {
    /** IEEE 754 binary64. */
    F64(8),
    /** IEEE 754 binary32. */
    F32(4),
    /** IEEE 754 binary16 (half precision). */
    F16(2),
    /** bfloat16: the upper 16 bits of a binary32. */
    BF16(2),
    /** Signed 64-bit integer. */
    I64(8),
    /** Signed 32-bit integer. */
    I32(4),
    /** Signed 16-bit integer. */
    I16(2),
    /** Signed 8-bit integer. */
    I8(1),
    /** Unsigned 64-bit integer. */
    U64(8),
    /** Unsigned 32-bit integer. */
    U32(4),
    /** Unsigned 16-bit integer. */
    U16(2),
    /** Unsigned 8-bit integer. */
    U8(1),
    /** Boolean, one byte per element. */
    BOOL(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether {@link SafetensorsFile#readFloats(String)} can convert this type to {@code float}. */
    public boolean isFloatingPoint() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /**
     * The type named {@code s} exactly as spelled in a safetensors header.
     *
     * @throws ModelFormatException if {@code s} is not one of the supported names
     */
    public static DType parse(String s) {
        for (DType t : values()) {
            if (t.name().equals(s)) {
                return t;
            }
        }
        throw new ModelFormatException("unknown safetensors dtype '" + s + "', expected one of "
                + java.util.Arrays.toString(values()));
    }
}
