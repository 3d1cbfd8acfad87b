package io.llmops4j.eval.text;

import java.util.ArrayList;
import java.util.List;

/**
 * rouge-score 0.1.2's tokenizer: Python-lowercase, every run of characters other than ASCII {@code a-z0-9}
 * becomes a separator, tokens longer than 3 characters are optionally Porter-stemmed (NLTK variant), and empty
 * or non-{@code [a-z0-9]+} tokens are dropped. Non-ASCII letters therefore vanish ({@code café -> caf}).
 */
public final class RougeTokenizer {
    private RougeTokenizer() {
    }

    /** Tokenizes one text. */
    public static List<String> tokenize(String text, boolean stem) {
        String lower = PythonText.lower(text);
        List<String> tokens = new ArrayList<>();
        int n = lower.length();
        int i = 0;
        while (i < n) {
            if (!isAsciiAlnum(lower.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && isAsciiAlnum(lower.charAt(i))) {
                i++;
            }
            String token = lower.substring(start, i);
            if (stem && token.length() > 3) {
                token = PorterStemmer.INSTANCE.stem(token);
            }
            if (isValid(token)) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    private static boolean isAsciiAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isValid(String token) {
        if (token.isEmpty()) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            if (!isAsciiAlnum(token.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
