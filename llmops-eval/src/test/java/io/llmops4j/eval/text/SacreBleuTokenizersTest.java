package io.llmops4j.eval.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The scan-based 13a tokenizer against sacreBLEU's regular expressions applied with java.util.regex. */
class SacreBleuTokenizersTest {
    // sacreBLEU tokenizer_re.py, verbatim patterns (Python re and java.util.regex agree on them)
    private static final Pattern[] PATTERNS = {
        Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])"), Pattern.compile("([^0-9])([\\.,])"),
        Pattern.compile("([\\.,])([^0-9])"), Pattern.compile("([0-9])(-)"),
    };
    private static final String[] REPLACEMENTS = {" $1 ", "$1 $2 ", " $1 $2", "$1 $2 "};

    private static String regex13a(String line) {
        line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (line.contains("&")) {
            line = line.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        }
        line = " " + line + " ";
        for (int i = 0; i < PATTERNS.length; i++) {
            line = PATTERNS[i].matcher(line).replaceAll(REPLACEMENTS[i]);
        }
        return PythonText.normalizeSpaces(line);
    }

    @Test
    void scanEqualsRegexOnRandomStrings() {
        String[] alphabet = {"a", "Z", "1", "9", ".", ",", "-", "'", " ", "\n", "&", "&amp;", "&quot;", "<skipped>", "$", "/", "~", "`",
            "\\", "^", "🍕", "é", "\u00a0", "…", "(", ")", ":", "@", "[", "]", "{", "}"};
        SplittableRandom r = new SplittableRandom(11);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = r.nextInt(12);
            for (int i = 0; i < len; i++) {
                sb.append(alphabet[r.nextInt(alphabet.length)]);
            }
            String s = sb.toString();
            assertThat(SacreBleuTokenizers.thirteenA(s)).as("[%s]", s).isEqualTo(regex13a(s));
        }
    }
}
