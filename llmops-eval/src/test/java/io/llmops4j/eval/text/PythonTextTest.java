package io.llmops4j.eval.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PythonTextTest {

    @Test
    void whitespaceIsExactlyPythonsIsspaceSet() {
        // CPython 3.11: ''.join(c for c in map(chr, range(0x110000)) if c.isspace()) gives exactly these 29 code points.
        int[] expected = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2001,
            0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};
        int count = 0;
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (PythonText.isSpace(cp)) {
                assertThat(expected).as("U+%04X", cp).contains(cp);
                count++;
            }
        }
        assertThat(count).isEqualTo(expected.length);
        assertThat(PythonText.isSpace(0x200B)).isFalse();
        assertThat(PythonText.isSpace(0x180E)).isFalse();
    }

    @Test
    void splitRstripLower() {
        // Python: 'a\u00a0b\u2007c\u202fd\u0085e\u200bf '.split() == ['a','b','c','d','e\u200bf']
        assertThat(PythonText.split("a\u00a0b\u2007c\u202fd\u0085e\u200bf ")).containsExactly("a", "b", "c", "d", "e\u200bf");
        assertThat(PythonText.split("  ")).isEmpty();
        assertThat(PythonText.split("🍕 x")).containsExactly("🍕", "x");
        assertThat(PythonText.rstrip("ab \u3000\n")).isEqualTo("ab");
        assertThat(PythonText.rstrip("ab\u200b")).isEqualTo("ab\u200b");
        // Python: 'İ'.lower() == 'i\u0307'
        assertThat(PythonText.lower("İ")).isEqualTo("i\u0307");
        assertThat(PythonText.len("👍🏽")).isEqualTo(2);
    }

    @Test
    void fixedFormatsLikePython() {
        // Python: f"{0.125:.2f}"='0.12', f"{2.675:.2f}"='2.67', f"{0.375:.2f}"='0.38', f"{-0.001:.2f}"='-0.00', f"{48.530827:.2f}"='48.53'
        assertThat(PythonText.fixed(0.125, 2)).isEqualTo("0.12");
        assertThat(PythonText.fixed(2.675, 2)).isEqualTo("2.67");
        assertThat(PythonText.fixed(0.375, 2)).isEqualTo("0.38");
        assertThat(PythonText.fixed(-0.001, 2)).isEqualTo("-0.00");
        assertThat(PythonText.fixed(48.530827, 2)).isEqualTo("48.53");
        assertThat(PythonText.fixed(1, 1)).isEqualTo("1.0");
    }

    @Test
    void sacreBleuTokenizersOnDocumentedEffects() {
        // METRICS_SPEC.md, 13a: 3.14, 1,000.50, 12/05 keep internal ./, ; final "2023." is split; 10-20 -> 10 - 20
        assertThat(SacreBleuTokenizers.thirteenA("It's 3.14 and 1,000.50 on 12/05 in 2023."))
                .isEqualTo("It's 3.14 and 1,000.50 on 12 / 05 in 2023 .");
        assertThat(SacreBleuTokenizers.thirteenA("10-20 &amp; x<skipped>y")).isEqualTo("10 - 20 & xy");
        assertThat(SacreBleuTokenizers.thirteenA("wait… “so”—no")).isEqualTo("wait… “so”—no");
        // intl: no padding, so a string-final "1945." stays one token (a "." before a space is split); symbols
        // are split; ½ (category No) is not.
        assertThat(SacreBleuTokenizers.intl("in 1945.")).isEqualTo("in 1945.");
        assertThat(SacreBleuTokenizers.intl("In 1945. Price €10, ½ off!")).isEqualTo("In 1945 . Price € 10 , ½ off !");
        assertThat(SacreBleuTokenizers.chars("a 🍕b")).isEqualTo("a   🍕 b");
        assertThat(PythonText.split(SacreBleuTokenizers.chars("a 🍕b"))).isEqualTo(List.of("a", "🍕", "b"));
    }
}
