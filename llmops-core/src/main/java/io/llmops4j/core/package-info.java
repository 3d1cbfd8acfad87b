/**
 * The model runtime of llmops4j: {@link io.llmops4j.core.LanguageModel} loads a Hugging Face checkpoint
 * (Llama, Mistral, Qwen2, GPT-2) and generates text on DJL's PyTorch engine; {@link io.llmops4j.core.Embedder}
 * turns sentences into vectors on ONNX Runtime. Sub-packages hold the checkpoint format, tokenizer,
 * chat templates, sampling and the model code.
 */
package io.llmops4j.core;
