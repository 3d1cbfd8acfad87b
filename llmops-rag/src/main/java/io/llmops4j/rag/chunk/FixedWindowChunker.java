package io.llmops4j.rag.chunk;

import io.llmops4j.rag.RagConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * Windows of at most {@code windowChars} characters that advance by {@code windowChars - overlapChars}. Window
 * edges are moved back to the nearest whitespace so no word is cut, except a word longer than the window.
 */
public final class FixedWindowChunker implements Chunker {
    private final int windowChars;
    private final int overlapChars;

    FixedWindowChunker(int windowChars, int overlapChars) {
        if (windowChars < 1) {
            throw new RagConfigException("windowChars must be >= 1, got " + windowChars);
        }
        if (overlapChars < 0 || overlapChars >= windowChars) {
            throw new RagConfigException("overlapChars must be in [0, windowChars - 1] = [0, " + (windowChars - 1)
                    + "], got " + overlapChars);
        }
        this.windowChars = windowChars;
        this.overlapChars = overlapChars;
    }

    @Override
    public String describe() {
        return "fixed-window(windowChars=" + windowChars + ", overlapChars=" + overlapChars + ")";
    }

    @Override
    public List<Span> split(String text) {
        List<Span> out = new ArrayList<>();
        int start = skipSpace(text, 0);
        while (start < text.length()) {
            int end = Math.min(text.length(), start + windowChars);
            if (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
                int back = end;
                while (back > start && !Character.isWhitespace(text.charAt(back - 1))) {
                    back--;
                }
                if (back > start) {
                    end = back;
                }
            }
            int trimmed = end;
            while (trimmed > start && Character.isWhitespace(text.charAt(trimmed - 1))) {
                trimmed--;
            }
            out.add(new Span(start, trimmed, ""));
            if (end >= text.length()) {
                break;
            }
            int next = Math.max(start + 1, end - overlapChars);
            // start the next window at a word start
            while (next < end && !Character.isWhitespace(text.charAt(next - 1))) {
                next++;
            }
            start = skipSpace(text, next);
        }
        return out;
    }

    private static int skipSpace(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}
