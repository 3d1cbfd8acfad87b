package io.llmops4j.core.chat;

/**
 * An error Jinja raises while rendering as a Python exception ({@code TypeError}, {@code ValueError}), such as
 * iterating over none; {@link ChatTemplate} reports it as a {@link ChatTemplateException} with the same text.
 */
final class PythonError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private PythonError(String message) {
        super(message, null, false, false);
    }

    /** Python's {@code TypeError}, e.g. {@code 'NoneType' object is not iterable}. */
    static PythonError typeError(String message) {
        return new PythonError("TypeError: " + message);
    }

    /** Python's {@code ValueError}, e.g. {@code not enough values to unpack (expected 2, got 1)}. */
    static PythonError valueError(String message) {
        return new PythonError("ValueError: " + message);
    }

    /** Another Python exception, by its type's name ({@code KeyError}, {@code OverflowError}). */
    static PythonError of(String type, String message) {
        return new PythonError(type + ": " + message);
    }
}
