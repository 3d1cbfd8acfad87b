package io.llmops4j.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Float to bf16/f16 conversion against hand-computed IEEE bit patterns. The float bit patterns in the
 * comments are from IEEE 754 binary32 (sign | 8-bit exponent biased 127 | 23-bit fraction).
 */
class HalfPrecisionTest {

    private static int bf16(float f) {
        return HalfPrecision.toBf16Bits(f) & 0xFFFF;
    }

    private static int f16(float f) {
        return HalfPrecision.toF16Bits(f) & 0xFFFF;
    }

    @Test
    void bf16KeepsTheUpperHalfOfExactValues() {
        assertThat(bf16(1.0f)).isEqualTo(0x3F80); // 1.0f = 0x3F800000
        assertThat(bf16(-2.0f)).isEqualTo(0xC000); // -2.0f = 0xC0000000
        assertThat(bf16(0.0f)).isEqualTo(0x0000);
        assertThat(bf16(-0.0f)).isEqualTo(0x8000);
        assertThat(HalfPrecision.bf16ToFloat((short) 0x4049)).isEqualTo(3.140625f); // 0x40490000 = 1.5703125 * 2
    }

    @Test
    void bf16RoundsToNearestEven() {
        // 0.1f = 0x3DCCCCCD: the discarded half 0xCCCD > 0x8000, so round up 0x3DCC -> 0x3DCD.
        assertThat(bf16(0.1f)).isEqualTo(0x3DCD);
        // 0x3F808000 lies exactly between 0x3F80 and 0x3F81: tie goes to the even 0x3F80.
        assertThat(bf16(Float.intBitsToFloat(0x3F808000))).isEqualTo(0x3F80);
        // 0x3F818000 lies exactly between 0x3F81 and 0x3F82: tie goes to the even 0x3F82.
        assertThat(bf16(Float.intBitsToFloat(0x3F818000))).isEqualTo(0x3F82);
        // Just below the tie rounds down.
        assertThat(bf16(Float.intBitsToFloat(0x3F817FFF))).isEqualTo(0x3F81);
        // Float.MAX_VALUE = 0x7F7FFFFF rounds up into the exponent: infinity, as torch does.
        assertThat(bf16(Float.MAX_VALUE)).isEqualTo(0x7F80);
    }

    @Test
    void bf16SpecialValuesAndSubnormals() {
        assertThat(bf16(Float.POSITIVE_INFINITY)).isEqualTo(0x7F80);
        assertThat(bf16(Float.NEGATIVE_INFINITY)).isEqualTo(0xFF80);
        assertThat(bf16(Float.NaN)).isEqualTo(0x7FC0);
        assertThat(bf16(Float.intBitsToFloat(0xFFC00001))).isEqualTo(0x7FC0); // any NaN -> canonical
        assertThat(bf16(Float.intBitsToFloat(0x00010000))).isEqualTo(0x0001); // smallest bf16 subnormal
        assertThat(bf16(Float.MIN_VALUE)).isEqualTo(0x0000); // 2^-149 is far below half of 2^-133
        assertThat(HalfPrecision.bf16ToFloat((short) 0x0001)).isEqualTo(Float.intBitsToFloat(0x00010000));
        assertThat(HalfPrecision.bf16ToFloat((short) 0x7FC0)).isNaN();
    }

    @Test
    void f16ExactAndRoundedValues() {
        assertThat(f16(1.0f)).isEqualTo(0x3C00); // exponent 15 (bias 15), fraction 0
        assertThat(f16(-2.0f)).isEqualTo(0xC000);
        // 0.1 = 1.6 * 2^-4: exponent 11 -> 0x2C00; fraction 0.6 * 1024 = 614.4 -> 614 = 0x266.
        assertThat(f16(0.1f)).isEqualTo(0x2E66);
        // 1 + 2^-11 is exactly between 1.0 (0x3C00) and 1 + 2^-10 (0x3C01): tie to even 0x3C00.
        assertThat(f16(1.0f + 0x1p-11f)).isEqualTo(0x3C00);
        // 1 + 3 * 2^-11 is between 0x3C01 and 0x3C02: tie to even 0x3C02.
        assertThat(f16(1.0f + 3 * 0x1p-11f)).isEqualTo(0x3C02);
        assertThat(HalfPrecision.f16ToFloat((short) 0x3555)).isEqualTo(0.333251953125f); // 1365/4096
    }

    @Test
    void f16RangeLimits() {
        assertThat(f16(65504f)).isEqualTo(0x7BFF); // largest finite: (2 - 2^-10) * 2^15
        assertThat(f16(65519f)).isEqualTo(0x7BFF); // below the midpoint 65520 to 65536
        assertThat(f16(65520f)).isEqualTo(0x7C00); // tie; 0x7BFF is odd, so it rounds up to infinity
        assertThat(f16(1e6f)).isEqualTo(0x7C00);
        assertThat(f16(-1e6f)).isEqualTo(0xFC00);
        assertThat(HalfPrecision.f16Round(65504f)).isEqualTo(65504f);
    }

    @Test
    void f16Subnormals() {
        assertThat(f16(0x1p-24f)).isEqualTo(0x0001); // smallest subnormal 2^-24
        assertThat(f16(0x1p-25f)).isEqualTo(0x0000); // tie between 0 and 2^-24: even is 0
        assertThat(f16(3 * 0x1p-25f)).isEqualTo(0x0002); // 1.5 * 2^-24: tie between 1 and 2 ulps: even 2
        assertThat(f16(1023 * 0x1p-24f)).isEqualTo(0x03FF); // largest subnormal
        assertThat(f16(0x1p-14f)).isEqualTo(0x0400); // smallest normal
        assertThat(HalfPrecision.f16ToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
    }

    @Test
    void f16SpecialValues() {
        assertThat(f16(Float.POSITIVE_INFINITY)).isEqualTo(0x7C00);
        assertThat(f16(Float.NEGATIVE_INFINITY)).isEqualTo(0xFC00);
        assertThat(f16(Float.NaN)).isEqualTo(0x7E00);
        assertThat(f16(Float.intBitsToFloat(0xFF800001))).isEqualTo(0xFE00); // negative NaN keeps its sign
        assertThat(f16(-0.0f)).isEqualTo(0x8000);
        assertThat(HalfPrecision.f16ToFloat((short) 0x7E00)).isNaN();
    }

    @Test
    void roundingIsIdempotent() {
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 10_000; i++) {
            float f = (float) r.nextGaussian() * 10;
            float b = HalfPrecision.bf16Round(f);
            float h = HalfPrecision.f16Round(f);
            assertThat(HalfPrecision.bf16Round(b)).isEqualTo(b);
            assertThat(HalfPrecision.f16Round(h)).isEqualTo(h);
            // relative error bounded by half an ulp: 2^-9 for bf16 (8 bits precision), 2^-11 for f16
            assertThat((double) Math.abs(b - f)).isLessThanOrEqualTo(Math.abs(f) * 0x1p-8);
            assertThat((double) Math.abs(h - f)).isLessThanOrEqualTo(Math.abs(f) * 0x1p-11 + 0x1p-25);
        }
    }
}
