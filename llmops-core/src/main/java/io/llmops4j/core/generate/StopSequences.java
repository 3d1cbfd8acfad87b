package io.llmops4j.core.generate;

import io.llmops4j.core.InvalidRequestException;

import java.util.List;
import java.util.Objects;

/**
 * Finds stop sequences in text that arrives in pieces (one decoded token at a time) and decides how much of it
 * may be shown now.
 *
 * <p>{@link #push(String)} returns the text that is safe to emit: it holds back the longest tail that is still
 * the beginning of some stop sequence, since the next piece could complete it. The output is cut at the first
 * point, reading the text character by character, where a stop sequence is complete; of the stop sequences
 * that end there, the longest decides where the cut starts. The emitted text never contains the stop sequence
 * or anything after it, and the result does not depend on how the text is split into pieces. Matching is exact
 * on UTF-16 characters (no Unicode normalisation). {@link #flush()} releases the held-back tail when generation
 * ends for another reason.
 *
 * <p>After a stop sequence has matched, further pushes return empty text with {@code stopped == true}. Not
 * thread-safe: one instance per sequence.
 */
public final class StopSequences {

    /**
     * What a push may emit.
     *
     * @param text    text safe to show now (possibly empty)
     * @param stopped whether a stop sequence completed; {@code text} then ends just before it
     */
    public record Result(String text, boolean stopped) {
    }

    private final String[] stops;
    private String held = "";
    private boolean stopped;

    /**
     * @param stops stop sequences, each non-empty; an empty list passes every piece straight through
     * @throws InvalidRequestException if a stop sequence is null or empty
     */
    public StopSequences(List<String> stops) {
        Objects.requireNonNull(stops, "stops");
        this.stops = new String[stops.size()];
        for (int i = 0; i < stops.size(); i++) {
            String s = stops.get(i);
            if (s == null || s.isEmpty()) {
                throw new InvalidRequestException("stop sequence " + i + " must be a non-empty string, was "
                        + (s == null ? "null" : "\"\""));
            }
            this.stops[i] = s;
        }
    }

    /**
     * Adds the next piece of generated text.
     *
     * @param piece the newly decoded text (may be empty)
     * @return the text that can be emitted now and whether a stop sequence completed
     */
    public Result push(String piece) {
        Objects.requireNonNull(piece, "piece");
        if (stopped) {
            return new Result("", true);
        }
        if (stops.length == 0) {
            return new Result(piece, false);
        }
        String text = held.concat(piece);

        // The stop occurrence that ends first; at equal ends the longest (earliest start).
        int cutStart = -1;
        int cutEnd = Integer.MAX_VALUE;
        for (String stop : stops) {
            int at = text.indexOf(stop);
            if (at >= 0) {
                int end = at + stop.length();
                if (end < cutEnd || (end == cutEnd && at < cutStart)) {
                    cutEnd = end;
                    cutStart = at;
                }
            }
        }
        if (cutStart >= 0) {
            stopped = true;
            held = "";
            return new Result(text.substring(0, cutStart), true);
        }

        int hold = longestTailThatStartsAStop(text);
        held = text.substring(text.length() - hold);
        return new Result(text.substring(0, text.length() - hold), false);
    }

    /** Releases the held-back text (call when generation ends without a stop sequence) and resets the buffer. */
    public String flush() {
        String out = held;
        held = "";
        return out;
    }

    /** Whether a stop sequence has matched. */
    public boolean stopped() {
        return stopped;
    }

    /** Length of the longest suffix of {@code text} that is a proper prefix of some stop sequence. */
    private int longestTailThatStartsAStop(String text) {
        int best = 0;
        for (String stop : stops) {
            int max = Math.min(stop.length() - 1, text.length());
            for (int len = max; len > best; len--) {
                if (text.regionMatches(text.length() - len, stop, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
