/**
 * Text to token ids and back for Hugging Face checkpoints: {@link io.llmops4j.core.tokenizer.Tokenizer} reads
 * {@code tokenizer.json} (through DJL's binding of the Hugging Face {@code tokenizers} library) together with
 * {@code tokenizer_config.json} and {@code special_tokens_map.json} (special tokens, BOS/EOS policy, chat
 * template), and {@link io.llmops4j.core.tokenizer.StreamDecoder} turns a stream of generated ids into text
 * pieces that never split a UTF-8 character.
 */
package io.llmops4j.core.tokenizer;
