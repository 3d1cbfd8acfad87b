package io.llmops4j.core;

/**
 * Tokens a language model read and wrote, as reported by {@link Generation#usage()} and summed by the RAG
 * pipeline and the evaluation runs.
 *
 * @param promptTokens    tokens of the prompt (as encoded for the model, special tokens included)
 * @param generatedTokens tokens generated, a stop token included (the model did produce it)
 */
public record TokenUsage(long promptTokens, long generatedTokens) {

    public TokenUsage {
        if (promptTokens < 0 || generatedTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0, were promptTokens=" + promptTokens
                    + ", generatedTokens=" + generatedTokens);
        }
    }

    /** Prompt and generated tokens together. */
    public long totalTokens() {
        return promptTokens + generatedTokens;
    }

    /** The element-wise sum. */
    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(promptTokens + other.promptTokens, generatedTokens + other.generatedTokens);
    }
}
