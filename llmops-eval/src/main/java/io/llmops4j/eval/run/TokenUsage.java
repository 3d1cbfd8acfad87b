package io.llmops4j.eval.run;

/**
 * Tokens a language model read and wrote.
 *
 * @param promptTokens tokens of the prompt (as encoded for the model, special tokens included)
 * @param generatedTokens tokens generated, a stop token included
 */
public record TokenUsage(long promptTokens, long generatedTokens) {

    /** The element-wise sum. */
    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(promptTokens + other.promptTokens, generatedTokens + other.generatedTokens);
    }
}
