package io.llmops4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenUsageTest {

    @Test
    void sumsAndTotalsAreElementWise() {
        TokenUsage a = new TokenUsage(12, 5);
        TokenUsage b = new TokenUsage(30, 0);
        assertThat(a.plus(b)).isEqualTo(new TokenUsage(42, 5));
        assertThat(a.plus(b).totalTokens()).isEqualTo(47);
        assertThat(new Generation("x", new int[] {7, 2}, FinishReason.STOP, 9, 2, null, null, null).usage())
                .isEqualTo(new TokenUsage(9, 2));
    }

    @Test
    void negativeCountsAreRefusedWithBothValues() {
        assertThatThrownBy(() -> new TokenUsage(-1, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token counts must be >= 0, were promptTokens=-1, generatedTokens=3");
    }
}
