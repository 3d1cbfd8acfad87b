package io.llmops4j.core.chat;

import java.util.Objects;

/**
 * The reasoning that models such as Qwen3, QwQ and DeepSeek-R1 write between {@code <think>} and {@code </think>}
 * before their answer, split from that answer, whole ({@link #split}) or piece by piece while a reply streams
 * ({@link Splitter}); both give the same result, as the whole split is the splitter run over the whole reply.
 *
 * <pre>{@code
 * ThinkBlocks.split("<think>\nIt is 7 * 6.\n</think>\n\n42", false)  // Split[reasoning=It is 7 * 6., content=42]
 * ThinkBlocks.split("Still thinking about 7 * 6", true)           // reasoning only: cut off inside the block
 * }</pre>
 *
 * <p>The rules are modelled on vLLM's {@code qwen3} and {@code deepseek_r1} reasoning parsers, with newlines
 * trimmed as these models' chat templates trim them when they read an earlier turn back:
 * <ul>
 *   <li>a reply has a block when the prompt opened one (DeepSeek-R1 and Qwen3-Thinking templates end the
 *       generation prompt with {@code <think>}, {@link #opensBlock}) or when its first text after any newlines is
 *       {@code <think>}; otherwise the whole reply is the answer, untouched. A {@code <think>} that opens a reply
 *       after the prompt opened the block is skipped;</li>
 *   <li>the reasoning is the block's text up to the first {@code </think>}, without newlines at either end;</li>
 *   <li>the answer is everything after that {@code </think>}, without newlines at its start; a reply cut off
 *       before it has none.</li>
 * </ul>
 * Unlike vLLM, a block must open the reply (or be opened by the prompt): vLLM also takes a {@code <think>} further
 * on, and its {@code deepseek_r1} parser takes text before a {@code </think>} that nothing opened as reasoning.
 * Here such replies are all answer, so that a stream's first characters decide where its text goes.
 */
public final class ThinkBlocks {
    /** Opens a reasoning block. */
    public static final String OPEN = "<think>";
    /** Closes a reasoning block. */
    public static final String CLOSE = "</think>";

    private ThinkBlocks() {
    }

    /**
     * A reply, or a piece of one, split in two.
     *
     * @param reasoning the reasoning, empty when there is none
     * @param content   the answer, empty when there is none (yet)
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
     * Splits a whole reply into reasoning and answer.
     *
     * @param reply          the generated text
     * @param openedByPrompt whether the prompt ended inside a think block ({@link #opensBlock})
     */
    public static Split split(String reply, boolean openedByPrompt) {
        Objects.requireNonNull(reply, "reply");
        Splitter splitter = new Splitter(openedByPrompt);
        Split body = splitter.accept(reply);
        Split tail = splitter.finish();
        return new Split(body.reasoning() + tail.reasoning(), body.content() + tail.content());
    }

    /**
     * Splits a reply as it streams: each {@link #accept}ed piece of text gives the reasoning and answer text that
     * can be told apart so far. Text that may still turn out to be a tag, or newlines that are trimmed if nothing
     * follows them, is held back until a later piece decides it or {@link #finish} flushes it, so the pieces' parts
     * add up to {@link ThinkBlocks#split} of the whole reply. Held newlines are counted, not stored, and each piece
     * is scanned once, so a reply of any length costs time in proportion to its length. Not thread-safe: one
     * splitter per reply.
     */
    public static final class Splitter {
        private enum State {
            /** Before any text of the reply. */
            START,
            /** Inside the block, before its text: newlines are dropped, one {@code <think>} skipped. */
            OPENING,
            /** In the block's text. */
            REASONING,
            /** After {@code </think>}, before the answer's first text: newlines are dropped. */
            ANSWER_START,
            ANSWER
        }

        private State state;
        private boolean tagSkipped; // the block's <think> has been read
        private int newlines; // newlines held before `partial`
        private String partial = ""; // held text that may begin a tag: shorter than the tag

        /** @param openedByPrompt whether the prompt ended inside a think block ({@link #opensBlock}) */
        public Splitter(boolean openedByPrompt) {
            state = openedByPrompt ? State.OPENING : State.START;
        }

        /** Takes the next piece of the reply and returns what of it (and of earlier held text) is decided. */
        public Split accept(String piece) {
            String text = partial + Objects.requireNonNull(piece, "piece");
            partial = "";
            StringBuilder reasoning = new StringBuilder();
            StringBuilder content = new StringBuilder();
            int at = 0;
            while (true) {
                switch (state) {
                    case START -> {
                        int end = skipNewlines(text, at);
                        newlines += end - at;
                        at = end;
                        if (text.startsWith(OPEN, at)) {
                            at += OPEN.length();
                            newlines = 0;
                            tagSkipped = true;
                            state = State.OPENING;
                        } else if (OPEN.startsWith(text.substring(at))) {
                            partial = text.substring(at); // only newlines and a prefix of <think> so far
                            return new Split("", "");
                        } else {
                            content.append("\n".repeat(newlines));
                            newlines = 0;
                            state = State.ANSWER;
                        }
                    }
                    case OPENING -> {
                        at = skipNewlines(text, at);
                        if (!tagSkipped && text.startsWith(OPEN, at)) { // the reply repeats the prompt's <think>
                            at += OPEN.length();
                            tagSkipped = true;
                        } else if (!tagSkipped && OPEN.startsWith(text.substring(at))) {
                            partial = text.substring(at);
                            return new Split(reasoning.toString(), content.toString());
                        } else if (at == text.length()) {
                            return new Split(reasoning.toString(), content.toString());
                        } else {
                            state = State.REASONING;
                        }
                    }
                    case REASONING -> {
                        int close = text.indexOf(CLOSE, at);
                        int end = close >= 0 ? close : text.length() - partialTag(text, at, CLOSE);
                        int kept = end - trailingNewlines(text, at, end);
                        if (kept > at) {
                            reasoning.append("\n".repeat(newlines)).append(text, at, kept);
                            newlines = 0;
                        }
                        if (close < 0) {
                            newlines += end - kept;
                            partial = text.substring(end);
                            return new Split(reasoning.toString(), content.toString());
                        }
                        newlines = 0; // trailing newlines of the reasoning are dropped
                        at = close + CLOSE.length();
                        state = State.ANSWER_START;
                    }
                    case ANSWER_START -> {
                        at = skipNewlines(text, at);
                        if (at == text.length()) {
                            return new Split(reasoning.toString(), content.toString());
                        }
                        state = State.ANSWER;
                    }
                    case ANSWER -> {
                        content.append(text, at, text.length());
                        return new Split(reasoning.toString(), content.toString());
                    }
                }
            }
        }

        /** Flushes what is still held at the end of the reply. */
        public Split finish() {
            String held = partial;
            int heldNewlines = newlines;
            partial = "";
            newlines = 0;
            return switch (state) {
                // a reply that is all newlines, or stops inside "<think": no block, the text as it came
                case START -> new Split("", "\n".repeat(heldNewlines) + held);
                // a partial tag is reasoning; newlines at the end of the reasoning are trimmed
                case OPENING -> new Split(held, "");
                case REASONING -> new Split(held.isEmpty() ? "" : "\n".repeat(heldNewlines) + held, "");
                case ANSWER_START, ANSWER -> new Split("", "");
            };
        }
    }

    private static int skipNewlines(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) == '\n') {
            i++;
        }
        return i;
    }

    /** Newlines just before {@code end}, not before {@code from}. */
    private static int trailingNewlines(String s, int from, int end) {
        int i = end;
        while (i > from && s.charAt(i - 1) == '\n') {
            i--;
        }
        return end - i;
    }

    /** The length of the longest end of {@code s} (from {@code from} on) that begins {@code tag}, shorter than it. */
    private static int partialTag(String s, int from, String tag) {
        for (int n = Math.min(tag.length() - 1, s.length() - from); n > 0; n--) {
            if (s.regionMatches(s.length() - n, tag, 0, n)) {
                return n;
            }
        }
        return 0;
    }
}
