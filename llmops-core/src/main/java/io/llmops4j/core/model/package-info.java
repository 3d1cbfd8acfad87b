/**
 * The transformer implementation behind {@link io.llmops4j.core.LanguageModel}: {@code config.json} parsing
 * ({@link io.llmops4j.core.model.ModelConfig}, {@link io.llmops4j.core.model.RopeConfig}), the DJL block tree
 * ({@link io.llmops4j.core.model.Transformer}, decoder layers, {@link io.llmops4j.core.model.Projection}), the
 * KV cache and weight loading. The math is a handful of small named steps (RMSNorm, rotary embeddings,
 * grouped-query attention, gated MLP) that can be checked line by line against transformers' modeling code.
 */
package io.llmops4j.core.model;
