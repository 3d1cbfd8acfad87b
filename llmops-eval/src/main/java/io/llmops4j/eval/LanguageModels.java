package io.llmops4j.eval;

import io.llmops4j.core.Generation;
import io.llmops4j.core.GenerationConfig;
import io.llmops4j.core.LanguageModel;

/** How llmops-eval sends a text prompt to a {@link LanguageModel}. */
final class LanguageModels {
    private LanguageModels() {
    }

    /**
     * Checks that the model can take text prompts.
     *
     * @throws InvalidMetricInputException naming {@code field} if the model is null or has no tokenizer
     */
    static void check(LanguageModel model, GenerationConfig config, String field) {
        if (model == null || config == null) {
            throw new InvalidMetricInputException(field + ": the model and the generation config must not be null");
        }
        if (!model.hasTokenizer()) {
            throw new InvalidMetricInputException(field + ": the model has no tokenizer, so it cannot take text prompts");
        }
    }

    /** Whether prompts are sent as one user message through the checkpoint's chat template. */
    static boolean usesChatTemplate(LanguageModel model) {
        return model.tokenizer().chatTemplate().isPresent();
    }

    /**
     * Generates a reply: the prompt as a user message through the chat template when the checkpoint has one (the
     * answer without the reasoning of a model that thinks in {@code <think>} blocks; {@code maxNewTokens} covers the
     * reasoning too, so one that runs out while reasoning answers with empty text), else as plain text to
     * continue.
     */
    static Generation complete(LanguageModel model, String prompt, GenerationConfig config) {
        return model.reply(model.formatPrompt(prompt), config);
    }
}
