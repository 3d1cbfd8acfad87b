package io.llmops4j.core;

/** Why a generation ended. */
public enum FinishReason {
    /** A stop token (EOS by default) was produced. */
    STOP,
    /** {@code maxNewTokens} was reached. */
    LENGTH,
    /** The text produced one of the configured stop sequences (which is not part of the returned text). */
    STOP_SEQUENCE,
    /**
     * The model ended its reply (with a stop token) and the reply calls tools: {@link Generation#toolCalls()}. Only
     * {@link LanguageModel#chat(java.util.List, java.util.List, GenerationConfig)} with tools reports it.
     */
    TOOL_CALLS,
    /** The caller cancelled the generation. */
    CANCELLED
}
