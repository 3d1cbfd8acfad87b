package io.llmops4j.core.chat;

import java.util.Objects;

/**
 * The reasoning that models such as Qwen3, QwQ and DeepSeek-R1 write between {@code <think>} and {@code </think>}
 * before their answer, split from that answer. A reply is split the way these models' own chat templates read an
 * earlier assistant turn back: the answer is what follows the last {@code </think>} (leading newlines dropped), the
 * reasoning what lies before the first {@code </think>}, after the last {@code <think>} ahead of it (newlines at
 * both ends dropped). Where the rendered prompt already opened the block (DeepSeek-R1 and Qwen3-Thinking templates end the
 * generation prompt with {@code <think>}), the reply starts inside it.
 *
 * <pre>{@code
 * ThinkBlocks.split("<think>\nIt is 7 * 6.\n</think>\n\n42", false)  // Split[reasoning=It is 7 * 6., content=42]
 * ThinkBlocks.split("Still thinking about 7 * 6", true)           // reasoning only: cut off inside the block
 * }</pre>
 *
 * <p>As vLLM's reasoning parsers ({@code qwen3}, {@code deepseek_r1}), a reply that never closes its block is all
 * reasoning when the block was open (by the prompt or by the reply's first word), and a reply without any block is
 * all answer, unchanged.
 */
public final class ThinkBlocks {
    /** Opens a reasoning block. */
    public static final String OPEN = "<think>";
    /** Closes a reasoning block. */
    public static final String CLOSE = "</think>";

    private ThinkBlocks() {
    }

    /**
     * A reply split in two.
     *
     * @param reasoning the reasoning, empty when the reply has none
     * @param content   the answer, empty when the reply is cut off inside its reasoning
     */
    public record Split(String reasoning, String content) {
        public Split {
            Objects.requireNonNull(reasoning, "reasoning");
            Objects.requireNonNull(content, "content");
        }
    }

    /** Whether a chat template is one for models that reason in think blocks: it mentions {@link #CLOSE}. */
    public static boolean usedBy(String chatTemplate) {
        return chatTemplate.contains(CLOSE);
    }

    /**
     * Whether a rendered prompt leaves a think block open for the reply to continue: its last non-blank text is
     * {@link #OPEN}.
     */
    public static boolean opensBlock(String renderedPrompt) {
        return renderedPrompt.stripTrailing().endsWith(OPEN);
    }

    /**
     * Splits a reply into reasoning and answer.
     *
     * @param reply          the generated text
     * @param openedByPrompt whether the prompt ended inside a think block ({@link #opensBlock})
     */
    public static Split split(String reply, boolean openedByPrompt) {
        Objects.requireNonNull(reply, "reply");
        int close = reply.indexOf(CLOSE);
        if (close >= 0) {
            String before = reply.substring(0, close);
            int open = before.lastIndexOf(OPEN);
            String reasoning = open < 0 ? before : before.substring(open + OPEN.length());
            String content = reply.substring(reply.lastIndexOf(CLOSE) + CLOSE.length());
            return new Split(strip(reasoning, true), strip(content, false));
        }
        String lead = stripLeadingNewlines(reply);
        if (lead.startsWith(OPEN)) {
            return new Split(strip(lead.substring(OPEN.length()), true), "");
        }
        return openedByPrompt ? new Split(strip(reply, true), "") : new Split("", reply);
    }

    /** {@code text} without newlines at its start, and at its end too when {@code bothEnds}. */
    private static String strip(String text, boolean bothEnds) {
        String s = stripLeadingNewlines(text);
        int end = s.length();
        while (bothEnds && end > 0 && s.charAt(end - 1) == '\n') {
            end--;
        }
        return s.substring(0, end);
    }

    private static String stripLeadingNewlines(String text) {
        int start = 0;
        while (start < text.length() && text.charAt(start) == '\n') {
            start++;
        }
        return text.substring(start);
    }
}
