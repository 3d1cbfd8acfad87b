/**
 * Chunkers: split a document's text into pieces that fit the embedder's input, keeping character offsets and
 * heading paths. {@link io.llmops4j.rag.chunk.RecursiveChunker} is the default; token counts come from a
 * {@link io.llmops4j.rag.chunk.TokenCounter}: the embedder's own tokenizer through
 * {@link io.llmops4j.rag.chunk.TokenCounter#of TokenCounter.of(Tokenizer)} for exact limits, or whitespace words as
 * an approximation.
 */
package io.llmops4j.rag.chunk;
