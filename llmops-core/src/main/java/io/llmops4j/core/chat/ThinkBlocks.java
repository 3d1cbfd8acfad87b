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
 * <p>The rules are those of vLLM's {@code qwen3} and {@code deepseek_r1} reasoning parsers, with newlines trimmed
 * as these models' chat templates trim them when they read an earlier turn back:
 * <ul>
 *   <li>a reply has a block when the prompt opened one (DeepSeek-R1 and Qwen3-Thinking templates end the
 *       generation prompt with {@code <think>}, {@link #opensBlock}) or when its first text after any newlines is
 *       {@code <think>}; otherwise the whole reply is the answer, untouched;</li>
 *   <li>the reasoning is the block's text up to the first {@code </think>}, without newlines at either end;</li>
 *   <li>the answer is everything after that {@code </think>}, without newlines at its start; a reply cut off
 *       before it has none.</li>
 * </ul>
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
     * add up to {@link ThinkBlocks#split} of the whole reply. Not thread-safe: one splitter per reply.
     */
    public static final class Splitter {
        private enum State { START, REASONING, ANSWER_START, ANSWER }

        private State state;
        private boolean reasoningStarted; // past the newlines that open the reasoning
        private final StringBuilder held = new StringBuilder(); // undecided text, at most a tag's length + newlines

        /** @param openedByPrompt whether the prompt ended inside a think block ({@link #opensBlock}) */
        public Splitter(boolean openedByPrompt) {
            state = openedByPrompt ? State.REASONING : State.START;
        }

        /** Takes the next piece of the reply and returns what of it (and of earlier held text) is decided. */
        public Split accept(String piece) {
            held.append(Objects.requireNonNull(piece, "piece"));
            StringBuilder reasoning = new StringBuilder();
            StringBuilder content = new StringBuilder();
            boolean progress = true;
            while (progress && !held.isEmpty()) {
                progress = switch (state) {
                    case START -> start(content);
                    case REASONING -> reason(reasoning);
                    case ANSWER_START -> answerStart();
                    case ANSWER -> {
                        content.append(held);
                        held.setLength(0);
                        yield true;
                    }
                };
            }
            return new Split(reasoning.toString(), content.toString());
        }

        /** Flushes what is still held at the end of the reply. */
        public Split finish() {
            String rest = held.toString();
            held.setLength(0);
            return switch (state) {
                // a reply that is all newlines, or stops inside "<think": no block, the text as it came
                case START -> new Split("", rest);
                // newlines at the end of the reasoning are trimmed; a partial closing tag is reasoning
                case REASONING -> new Split(stripTrailingNewlines(rest), "");
                case ANSWER_START, ANSWER -> new Split("", "");
            };
        }

        /** Before any text: a block starts if the first text after newlines is {@code <think>}. */
        private boolean start(StringBuilder content) {
            int text = leadingNewlines(held);
            String rest = held.substring(text);
            if (rest.startsWith(OPEN)) {
                held.delete(0, text + OPEN.length());
                state = State.REASONING;
                return true;
            }
            if (OPEN.startsWith(rest)) {
                return false; // only newlines and a prefix of <think> so far
            }
            state = State.ANSWER;
            return true;
        }

        /**
         * Inside the block: passes reasoning on, dropping its leading newlines, holding back trailing newlines and
         * a possible start of {@code </think>}; at {@code </think>} the answer begins.
         */
        private boolean reason(StringBuilder reasoning) {
            if (!reasoningStarted) {
                held.delete(0, leadingNewlines(held));
                if (held.isEmpty()) {
                    return false;
                }
                reasoningStarted = true;
            }
            int close = held.indexOf(CLOSE);
            if (close >= 0) {
                reasoning.append(stripTrailingNewlines(held.substring(0, close)));
                held.delete(0, close + CLOSE.length());
                state = State.ANSWER_START;
                return true;
            }
            int keep = Math.max(partialTag(held, CLOSE), trailingNewlines(held));
            reasoning.append(held, 0, held.length() - keep);
            held.delete(0, held.length() - keep);
            return false;
        }

        /** Right after {@code </think>}: newlines before the answer are dropped. */
        private boolean answerStart() {
            held.delete(0, leadingNewlines(held));
            if (held.isEmpty()) {
                return false;
            }
            state = State.ANSWER;
            return true;
        }
    }

    private static int leadingNewlines(CharSequence s) {
        int n = 0;
        while (n < s.length() && s.charAt(n) == '\n') {
            n++;
        }
        return n;
    }

    private static int trailingNewlines(CharSequence s) {
        int n = 0;
        while (n < s.length() && s.charAt(s.length() - 1 - n) == '\n') {
            n++;
        }
        return n;
    }

    private static String stripTrailingNewlines(String s) {
        return s.substring(0, s.length() - trailingNewlines(s));
    }

    /**
     * The length of the longest end of {@code s} that begins {@code tag} (and is shorter than it), together with
     * the newlines before it: text that may be trimmed or be the tag once more text comes.
     */
    private static int partialTag(CharSequence s, String tag) {
        for (int n = Math.min(tag.length() - 1, s.length()); n > 0; n--) {
            if (tag.startsWith(s.subSequence(s.length() - n, s.length()).toString())) {
                return n + trailingNewlines(s.subSequence(0, s.length() - n));
            }
        }
        return 0;
    }
}
