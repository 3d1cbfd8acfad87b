package io.llmops4j.eval.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmops4j.eval.Golden;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PorterStemmerTest {

    /** golden/porter.tsv: NLTK 3.8 PorterStemmer().stem(word) for ~6,500 words (make_golden.py). */
    @Test
    void agreesWithNltkWordByWord() {
        List<String> mismatches = new ArrayList<>();
        List<String> lines = Golden.lines("porter.tsv");
        assertThat(lines).hasSizeGreaterThan(6000);
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            String got = PorterStemmer.INSTANCE.stem(f[0]);
            if (!got.equals(f[1])) {
                mismatches.add(f[0] + ": expected " + f[1] + " got " + got);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void nltkExtensionsFromItsDocstrings() {
        // NLTK porter.py docstrings/comments: flies->fli, dies->die, spied->spi, died->die, happy->happi,
        // enjoy->enjoy, dying->die (irregular), and the paper's examples caresses->caress, ponies->poni.
        PorterStemmer s = PorterStemmer.INSTANCE;
        assertThat(s.stem("flies")).isEqualTo("fli");
        assertThat(s.stem("dies")).isEqualTo("die");
        assertThat(s.stem("spied")).isEqualTo("spi");
        assertThat(s.stem("died")).isEqualTo("die");
        assertThat(s.stem("happy")).isEqualTo("happi");
        assertThat(s.stem("enjoy")).isEqualTo("enjoy");
        assertThat(s.stem("dying")).isEqualTo("die");
        assertThat(s.stem("caresses")).isEqualTo("caress");
        assertThat(s.stem("ponies")).isEqualTo("poni");
    }
}
