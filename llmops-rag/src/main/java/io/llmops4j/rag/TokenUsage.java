package io.llmops4j.rag;

/** Tokens of the final prompt and of the generated answer, counted with the pipeline's token counter. */
public record TokenUsage(int promptTokens, int completionTokens) {
    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
