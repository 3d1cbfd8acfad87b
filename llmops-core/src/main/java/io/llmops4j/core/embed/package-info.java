/**
 * Sentence embeddings on ONNX Runtime: {@link io.llmops4j.core.embed.OnnxEmbedder} runs a sentence-transformers
 * ONNX export (all-MiniLM-L6-v2 embedded by default) with dynamic padding, length-sorted batching, the pooling,
 * Dense projections and normalisation that the export's {@code modules.json} and module directories name
 * ({@link io.llmops4j.core.embed.PoolingMode}; mean pooling and L2 normalisation by default) and the prompts its
 * {@code config_sentence_transformers.json} defines, and exposes the per-token vectors
 * ({@link io.llmops4j.core.embed.TokenEmbeddings}) that token-matching metrics such as BERTScore need.
 */
package io.llmops4j.core.embed;
