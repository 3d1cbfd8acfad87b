package io.llmops4j.eval;

import io.llmops4j.eval.text.PythonText;

/**
 * A chrF / chrF++ score on sacreBLEU's 0-100 scale.
 *
 * @param score the score, 0..100
 * @param name sacreBLEU's name: {@code chrF2}, {@code chrF2++} (one {@code +} per word order)
 * @param signature sacreBLEU's signature, e.g. {@code nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0}
 */
public record ChrfScore(double score, String name, String signature) {

    /** sacreBLEU's text line, e.g. {@code chrF2|nrefs:1|...|version:2.6.0 = 63.36}. */
    public String format(int width) {
        return name + "|" + signature + " = " + PythonText.fixed(score, width);
    }

    @Override
    public String toString() {
        return format(2);
    }
}
