/**
 * Hugging Face chat templates ({@code chat_template} in {@code tokenizer_config.json}) rendered with jinjava in
 * HF's Jinja dialect and inside a sandbox: {@link io.llmops4j.core.chat.ChatTemplate} turns a list of
 * {@link io.llmops4j.core.ChatMessage}s into the prompt string a checkpoint was trained on.
 */
package io.llmops4j.core.chat;
