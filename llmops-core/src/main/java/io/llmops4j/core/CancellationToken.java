package io.llmops4j.core;

/**
 * Lets another thread stop a running generation: the generation ends after the current step with
 * {@link FinishReason#CANCELLED}. Thread-safe; one token may cancel several generations.
 */
public final class CancellationToken {
    private volatile boolean cancelled;

    /** Requests cancellation. */
    public void cancel() {
        cancelled = true;
    }

    /** Whether cancellation was requested. */
    public boolean isCancelled() {
        return cancelled;
    }
}
