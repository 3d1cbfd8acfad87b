package io.llmops4j.core.safetensors;

/**
 * Conversions between {@code float} and the two 16-bit float formats stored in checkpoints, rounding to
 * nearest with ties to even exactly as PyTorch's {@code tensor.to(torch.bfloat16)} / {@code torch.float16} do
 * (NaN becomes PyTorch's canonical quiet NaN: {@code 0x7FC0} for bf16, sign | {@code 0x7E00} for f16).
 */
public final class HalfPrecision {
    private HalfPrecision() {
    }

    /** The bfloat16 bit pattern nearest to {@code f} (ties to even); overflow rounds to infinity. */
    public static short toBf16Bits(float f) {
        if (Float.isNaN(f)) {
            return (short) 0x7FC0;
        }
        int bits = Float.floatToRawIntBits(f);
        // Adding 0x7FFF plus the lowest kept bit rounds the discarded 16 bits to nearest, ties to even.
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    /** The float value of a bfloat16 bit pattern (exact). */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** The IEEE binary16 bit pattern nearest to {@code f} (ties to even); overflow rounds to infinity. */
    public static short toF16Bits(float f) {
        if (Float.isNaN(f)) {
            return (short) ((Float.floatToRawIntBits(f) >>> 16 & 0x8000) | 0x7E00);
        }
        return Float.floatToFloat16(f);
    }

    /** The float value of an IEEE binary16 bit pattern (exact). */
    public static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** {@code f} rounded to the nearest bfloat16 value, as a float. */
    public static float bf16Round(float f) {
        return bf16ToFloat(toBf16Bits(f));
    }

    /** {@code f} rounded to the nearest IEEE binary16 value, as a float. */
    public static float f16Round(float f) {
        return f16ToFloat(toF16Bits(f));
    }
}
