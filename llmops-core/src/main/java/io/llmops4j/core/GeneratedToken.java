package io.llmops4j.core;

/**
 * One streamed token.
 *
 * @param tokenId the token id
 * @param text    the text this token completes (may be empty while a multi-byte character or a possible
 *                stop sequence is still pending)
 * @param logprob the token's log-probability under the sampling distribution
 */
public record GeneratedToken(int tokenId, String text, float logprob) {
}
