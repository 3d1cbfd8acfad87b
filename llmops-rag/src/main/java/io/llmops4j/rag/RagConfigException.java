package io.llmops4j.rag;

/** A builder or request was given a value outside its allowed range; the message names the field and the range. */
public class RagConfigException extends RagException {
    private static final long serialVersionUID = 1L;

    public RagConfigException(String message) {
        super(message);
    }

    static int requireRange(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new RagConfigException(field + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    static double requireRange(String field, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new RagConfigException(field + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    static <T> T requireNonNull(String field, T value) {
        if (value == null) {
            throw new RagConfigException(field + " must not be null");
        }
        return value;
    }
}
