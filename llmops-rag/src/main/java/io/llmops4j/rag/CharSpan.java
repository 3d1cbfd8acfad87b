package io.llmops4j.rag;

/** A half-open range {@code [start, end)} of character offsets into a source document. */
public record CharSpan(int start, int end) {
    public CharSpan {
        if (start < 0 || end < start) {
            throw new RagConfigException("CharSpan needs 0 <= start <= end, got [" + start + ", " + end + ")");
        }
    }

    /** Whether the two ranges share at least one character. */
    public boolean overlaps(CharSpan other) {
        return start < other.end && other.start < end;
    }

    public int length() {
        return end - start;
    }
}
