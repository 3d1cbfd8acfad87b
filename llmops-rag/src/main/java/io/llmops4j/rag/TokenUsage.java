package io.llmops4j.rag;

/**
 * Tokens of the final prompt and of the generated answer: as the model reports them when the pipeline runs a
 * {@link io.llmops4j.core.LanguageModel} (the generated count includes a stop token, which the model did produce),
 * otherwise counted with the pipeline's token counter.
 */
public record TokenUsage(int promptTokens, int completionTokens) {
    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
