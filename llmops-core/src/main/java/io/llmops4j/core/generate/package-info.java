/**
 * The per-step pieces of text generation that do not depend on the model: {@link io.llmops4j.core.generate.Sampler}
 * turns one step's logits into a token (penalties, greedy or temperature / top-k / top-p / min-p sampling with a
 * seed) and {@link io.llmops4j.core.generate.StopSequences} finds stop strings in streamed text and holds back
 * what could still become one.
 */
package io.llmops4j.core.generate;
