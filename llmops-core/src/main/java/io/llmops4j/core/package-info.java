/**
 * The model runtime of llmops4j: {@link io.llmops4j.core.LanguageModel} loads a Hugging Face checkpoint
 * (Llama, Mistral, Qwen2, GPT-2) and generates text on DJL's PyTorch engine; {@link io.llmops4j.core.Embedder}
 * turns sentences into vectors on ONNX Runtime. Sub-packages hold the checkpoint format, tokenizer,
 * chat templates, sampling and the model code.
 *
 * <p>The application API is this package plus {@code Tokenizer}, {@code StreamDecoder}, {@code ChatTemplate} and the
 * safetensors reader and writer. The other public types of the sub-packages ({@code model}'s blocks, KV cache and
 * weight loader, {@code generate}'s sampler, {@code HfTokenizers}) are public so that llmops4j's other modules
 * (fine-tuning, serving) can build on them; applications should not depend on them, and they may change.
 */
package io.llmops4j.core;
