/**
 * Test fixtures for the model runtime: {@link io.llmops4j.core.testing.TinyCheckpoints} writes tiny random
 * Hugging Face checkpoints (config.json, safetensors weights, generation_config.json) for every supported
 * architecture and configuration variant, and {@link io.llmops4j.core.testing.ReferenceModel} computes their
 * logits with an independent double-precision forward pass written from transformers' modeling code, sharing
 * no code with the runtime.
 */
package io.llmops4j.core.testing;
