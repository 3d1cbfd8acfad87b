package io.llmops4j.rag.chunk;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits Markdown at ATX headings ({@code #} to {@code ######}, outside fenced code blocks): each section, heading
 * line included, is one chunk carrying its heading path ({@code "Guide > Install > Linux"}); a section longer than
 * {@code maxTokens} is split further by a {@link RecursiveChunker} with the same heading path.
 */
public final class MarkdownSectionChunker implements Chunker {
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})[ \\t]+(.*?)[ \\t#]*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");

    private final RecursiveChunker sections;

    MarkdownSectionChunker(TokenCounter counter, int maxTokens, int overlapTokens) {
        this.sections = new RecursiveChunker(counter, maxTokens, overlapTokens);
    }

    @Override
    public String describe() {
        return "markdown-sections(" + sections.describe() + ")";
    }

    /** A heading found in Markdown text. */
    public record Heading(int level, String title, int lineStart) {
    }

    /** The ATX headings of {@code text} outside fenced code blocks, in order. */
    public static List<Heading> headings(String text) {
        List<Heading> out = new ArrayList<>();
        boolean inFence = false;
        int lineStart = 0;
        while (lineStart <= text.length()) {
            int nl = text.indexOf('\n', lineStart);
            int lineEnd = nl < 0 ? text.length() : nl;
            String line = text.substring(lineStart, lineEnd);
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
            } else if (!inFence) {
                Matcher m = HEADING.matcher(line.stripTrailing());
                if (m.matches()) {
                    out.add(new Heading(m.group(1).length(), m.group(2).strip(), lineStart));
                }
            }
            if (nl < 0) {
                break;
            }
            lineStart = nl + 1;
        }
        return out;
    }

    @Override
    public List<Span> split(String text) {
        List<Heading> headings = headings(text);
        List<Span> out = new ArrayList<>();
        String[] path = new String[7];
        int sectionStart = 0;
        String sectionPath = "";
        for (Heading h : headings) {
            out.addAll(sections.split(text, sectionStart, h.lineStart(), sectionPath));
            path[h.level()] = h.title();
            for (int l = h.level() + 1; l < path.length; l++) {
                path[l] = null;
            }
            List<String> parts = new ArrayList<>();
            for (int l = 1; l < path.length; l++) {
                if (path[l] != null) {
                    parts.add(path[l]);
                }
            }
            sectionPath = String.join(" > ", parts);
            sectionStart = h.lineStart();
        }
        out.addAll(sections.split(text, sectionStart, text.length(), sectionPath));
        return out;
    }
}
