package io.llmops4j.rag;

import io.llmops4j.core.TokenUsage;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The result of {@link RagPipeline#ask}.
 *
 * @param text      the generated answer
 * @param citations the numbered sources that were put in the prompt, in number order
 * @param retrieved every hit the search returned, best first (before de-duplication and packing)
 * @param context   the hits packed into the prompt; {@code context.get(i)} is citation {@code i + 1}
 * @param prompt    the exact prompt sent to the generator
 * @param usage     prompt and answer token counts
 */
public record Answer(String text, List<Citation> citations, List<SearchHit> retrieved, List<SearchHit> context,
                     String prompt, TokenUsage usage) {
    private static final Pattern MARKER = Pattern.compile("\\[(\\d{1,4})]");

    public Answer {
        citations = List.copyOf(citations);
        retrieved = List.copyOf(retrieved);
        context = List.copyOf(context);
    }

    /** The citations the answer text actually refers to ({@code [n]} markers), in order of first mention. */
    public List<Citation> cited() {
        Matcher m = MARKER.matcher(text);
        java.util.LinkedHashSet<Citation> out = new java.util.LinkedHashSet<>();
        while (m.find()) {
            int n = Integer.parseInt(m.group(1));
            if (n >= 1 && n <= citations.size()) {
                out.add(citations.get(n - 1));
            }
        }
        return List.copyOf(out);
    }
}
