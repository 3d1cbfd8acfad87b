package io.llmops4j.eval.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The packed character n-gram table against plain string-keyed counting. */
class NgramCounterTest {

    @Test
    void packedTableEqualsStringCounting() {
        int[] alphabet = {'a', 'b', 'c', 0, 0x10FFFF, 0x1F355, 0x1F3FD, 0x200D, 0xE9, ' '};
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 3000; trial++) {
            int[] x = r.ints(r.nextInt(30), 0, alphabet.length).map(i -> alphabet[i]).toArray();
            int[] y = r.ints(r.nextInt(30), 0, alphabet.length).map(i -> alphabet[i]).toArray();
            for (int n = 1; n <= 6; n++) {
                NgramCounter px = NgramCounter.chars(x, n);
                NgramCounter py = NgramCounter.chars(y, n);
                assertThat(px).isInstanceOf(NgramCounter.PackedChars.class);
                NgramCounter sx = new NgramCounter.Strings(Ngrams.chars(x, n));
                NgramCounter sy = new NgramCounter.Strings(Ngrams.chars(y, n));
                assertThat(px.total()).isEqualTo(sx.total());
                assertThat(px.isEmpty()).isEqualTo(sx.isEmpty());
                assertThat(px.overlap(py)).as("n=%d", n).isEqualTo(sx.overlap(sy));
                assertThat(py.overlap(px)).isEqualTo(sy.overlap(sx));
            }
        }
        assertThat(NgramCounter.chars(new int[] {'a', 'b', 'c', 'd', 'e', 'f', 'g'}, 7)).isInstanceOf(NgramCounter.Strings.class);
    }
}
