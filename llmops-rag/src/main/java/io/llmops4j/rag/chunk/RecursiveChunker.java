package io.llmops4j.rag.chunk;

import io.llmops4j.rag.RagConfigException;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Token-aware recursive splitter. Text longer than {@code maxTokens} is split into paragraphs (blank lines), a
 * paragraph that is still too long into sentences, a sentence into words; the pieces are then packed greedily into
 * chunks of at most {@code maxTokens} (checked with the counter on the whole chunk text), and each chunk after the
 * first starts with the last words of the previous one, up to {@code overlapTokens}. Chunks never start or end
 * inside a word; only a single "word" longer than {@code maxTokens} (a URL or a base64 blob, say) is cut between
 * characters.
 */
public final class RecursiveChunker implements Chunker {
    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n[ \\t\\x0B\\f\\r]*\\n\\s*");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final TokenCounter counter;
    private final int maxTokens;
    private final int overlapTokens;

    RecursiveChunker(TokenCounter counter, int maxTokens, int overlapTokens) {
        if (counter == null) {
            throw new RagConfigException("token counter must not be null");
        }
        if (maxTokens < 1 || maxTokens > 1_000_000) {
            throw new RagConfigException("maxTokens must be in [1, 1000000], got " + maxTokens);
        }
        if (overlapTokens < 0 || overlapTokens >= maxTokens) {
            throw new RagConfigException("overlapTokens must be in [0, maxTokens - 1] = [0, " + (maxTokens - 1)
                    + "], got " + overlapTokens);
        }
        this.counter = counter;
        this.maxTokens = maxTokens;
        this.overlapTokens = overlapTokens;
    }

    @Override
    public String describe() {
        return "recursive(maxTokens=" + maxTokens + ", overlapTokens=" + overlapTokens + ")";
    }

    @Override
    public List<Span> split(String text) {
        return split(text, 0, text.length(), "");
    }

    /** Splits {@code text[from, to)}; used by the Markdown chunker for over-long sections. */
    List<Span> split(String text, int from, int to, String headingPath) {
        List<int[]> atoms = new ArrayList<>();
        atomize(text, from, to, 0, atoms);
        return pack(text, atoms, headingPath);
    }

    /** An atom is {start, end, tokens}: a piece of at most maxTokens that is never split further. */
    private void atomize(String text, int start, int end, int level, List<int[]> atoms) {
        while (start < end && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return;
        }
        int tokens = counter.count(text.substring(start, end));
        if (tokens <= maxTokens) {
            atoms.add(new int[] {start, end, tokens});
            return;
        }
        if (level == 3) {
            cutLongWord(text, start, end, atoms);
            return;
        }
        List<int[]> pieces = switch (level) {
            case 0 -> bySeparator(PARAGRAPH_BREAK, text, start, end);
            case 1 -> bySentence(text, start, end);
            default -> bySeparator(WHITESPACE, text, start, end);
        };
        for (int[] p : pieces) {
            atomize(text, p[0], p[1], level + 1, atoms);
        }
    }

    private static List<int[]> bySeparator(Pattern separator, String text, int start, int end) {
        List<int[]> out = new ArrayList<>();
        Matcher m = separator.matcher(text).region(start, end);
        int from = start;
        while (m.find()) {
            out.add(new int[] {from, m.start()});
            from = m.end();
        }
        out.add(new int[] {from, end});
        return out;
    }

    private static List<int[]> bySentence(String text, int start, int end) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        it.setText(text.substring(start, end));
        List<int[]> out = new ArrayList<>();
        int from = it.first();
        for (int to = it.next(); to != BreakIterator.DONE; from = to, to = it.next()) {
            out.add(new int[] {start + from, start + to});
        }
        return out;
    }

    /** Cuts a word longer than maxTokens into the longest prefixes that fit (binary search on the length). */
    private void cutLongWord(String text, int start, int end, List<int[]> atoms) {
        while (start < end) {
            int lo = 1;
            int hi = end - start;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (counter.count(text.substring(start, start + mid)) <= maxTokens) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            int cut = start + lo;
            if (Character.isHighSurrogate(text.charAt(cut - 1)) && cut < end && lo > 1) {
                cut--;
            }
            atoms.add(new int[] {start, cut, counter.count(text.substring(start, cut))});
            start = cut;
        }
    }

    private List<Span> pack(String text, List<int[]> atoms, String headingPath) {
        List<Span> out = new ArrayList<>();
        int i = 0;
        int prevChunkStart = -1;
        int prevChunkEnd = -1;
        while (i < atoms.size()) {
            int start = atoms.get(i)[0];
            int tokens = 0;
            if (prevChunkEnd >= 0 && overlapTokens > 0) {
                int ov = overlapStart(text, prevChunkStart, prevChunkEnd);
                if (ov < prevChunkEnd) {
                    int ovTokens = counter.count(text.substring(ov, prevChunkEnd));
                    if (ovTokens + atoms.get(i)[2] <= maxTokens) {
                        start = ov;
                        tokens = ovTokens;
                    }
                }
            }
            tokens += atoms.get(i)[2];
            int j = i + 1;
            while (j < atoms.size() && tokens + atoms.get(j)[2] <= maxTokens) {
                tokens += atoms.get(j)[2];
                j++;
            }
            // token counts are not exactly additive across piece boundaries: check the real chunk, drop pieces if over
            while (j - i > 1 && counter.count(text.substring(start, atoms.get(j - 1)[1])) > maxTokens) {
                j--;
            }
            if (j - i == 1 && start != atoms.get(i)[0]
                    && counter.count(text.substring(start, atoms.get(i)[1])) > maxTokens) {
                start = atoms.get(i)[0];
            }
            int end = atoms.get(j - 1)[1];
            out.add(new Span(start, end, headingPath));
            prevChunkStart = start;
            prevChunkEnd = end;
            i = j;
        }
        return out;
    }

    /** Start of the longest run of whole trailing words of {@code text[from, to)} with at most overlapTokens tokens. */
    private int overlapStart(String text, int from, int to) {
        int best = to;
        int pos = to;
        int tokens = 0;
        while (pos > from) {
            int wordEnd = pos;
            while (wordEnd > from && Character.isWhitespace(text.charAt(wordEnd - 1))) {
                wordEnd--;
            }
            int wordStart = wordEnd;
            while (wordStart > from && !Character.isWhitespace(text.charAt(wordStart - 1))) {
                wordStart--;
            }
            if (wordStart == wordEnd || wordStart == from) {
                break; // never repeat the whole previous chunk
            }
            tokens += counter.count(text.substring(wordStart, wordEnd));
            if (tokens > overlapTokens) {
                break;
            }
            best = wordStart;
            pos = wordStart;
        }
        return best;
    }
}
