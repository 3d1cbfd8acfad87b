package io.llmops4j.core;

/**
 * The result of one generation.
 *
 * @param text            the generated text (without the prompt and without a matched stop sequence)
 * @param tokenIds        the generated token ids only
 * @param finishReason    why generation ended
 * @param promptTokens    number of prompt tokens
 * @param generatedTokens number of generated tokens
 * @param logprobs        log-probability of each generated token, or {@code null} unless requested
 */
public record Generation(String text, int[] tokenIds, FinishReason finishReason, int promptTokens,
                         int generatedTokens, float[] logprobs) {

    /** The prompt and generated token counts as a {@link TokenUsage}. */
    public TokenUsage usage() {
        return new TokenUsage(promptTokens, generatedTokens);
    }
}
