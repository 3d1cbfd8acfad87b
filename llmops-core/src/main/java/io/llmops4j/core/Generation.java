package io.llmops4j.core;

import java.util.List;

/**
 * The result of one generation.
 *
 * @param text            the generated text (without the prompt and without a matched stop sequence); when the reply
 *                        was read as tool calls, only its text before the first call; from
 *                        {@link LanguageModel#chat} with a template whose models reason in think blocks, only the
 *                        answer after the reasoning
 * @param tokenIds        the generated token ids only
 * @param finishReason    why generation ended
 * @param promptTokens    number of prompt tokens
 * @param generatedTokens number of generated tokens
 * @param logprobs        log-probability of each generated token, or {@code null} unless requested
 * @param toolCalls       the functions the model called ({@link FinishReason#TOOL_CALLS}), read from its reply by
 *                        {@link LanguageModel#chat(List, List, GenerationConfig)}; empty otherwise (null is taken as
 *                        empty)
 * @param reasoning       the reasoning the model wrote in a think block before its answer, split from the reply by
 *                        {@link LanguageModel#chat} ({@link io.llmops4j.core.chat.ThinkBlocks}); empty otherwise
 *                        (null is taken as empty)
 */
public record Generation(String text, int[] tokenIds, FinishReason finishReason, int promptTokens,
                         int generatedTokens, float[] logprobs, List<ToolCall> toolCalls, String reasoning) {

    public Generation {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        reasoning = reasoning == null ? "" : reasoning;
    }

    /** The prompt and generated token counts as a {@link TokenUsage}. */
    public TokenUsage usage() {
        return new TokenUsage(promptTokens, generatedTokens);
    }
}
