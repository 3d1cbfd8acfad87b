package io.llmops4j.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmops4j.core.ChatMessage;
import io.llmops4j.core.Generation;
import io.llmops4j.core.GenerationConfig;
import io.llmops4j.core.LanguageModel;
import io.llmops4j.rag.SearchRequest.Mode;
import io.llmops4j.rag.chunk.TokenCounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RagPipeline} on the real stories260K Llama from {@code ../shared/models} (skipped when absent). Every
 * expectation comes from outside the pipeline: the context length from its config.json (512), token counts from
 * encoding the final prompt with the tokenizer, answers from {@link LanguageModel#generate(String, GenerationConfig)}
 * and {@link LanguageModel#chat}, and chat prompts written out by hand.
 */
class RagPipelineModelTest {
    private static final int ANSWER_TOKENS = 16;
    private static final String TEMPLATE = "Sources:\n{context}Question: {question}\nAnswer:";
    private static final String QUESTION = "Where did Lily find the red ball?";

    static Path stories;
    static LanguageModel lm;
    static VectorIndex index;

    @BeforeAll
    static void load() {
        stories = SharedModels.stories260K();
        lm = load(stories);
        index = VectorIndex.inMemory(new HashEmbedder());
        index.add(List.of(
                chunk("lily#0", "lily", "Lily's Ball", "Lily found the red ball under the big tree in the park."),
                chunk("lily#1", "lily", "Lily's Ball", "She was happy and played with the ball all day long."),
                chunk("tom#0", "tom", "Tom and the Dog", "Tom saw a big dog. The dog wanted to play with the ball."),
                chunk("sue#0", "sue", "Sue Bakes", "Sue and her mom made a cake. It was red and sweet."),
                chunk("ben#0", "ben", "Ben's Boat", "Ben had a little boat. He took it to the pond to play.")));
        index.refresh();
    }

    /**
     * One PyTorch thread: on the shared 2-core test machine, a generation of 16 tokens took 2 to 4 s with the
     * default threads and 0.15 s with one.
     */
    private static LanguageModel load(Path dir) {
        return LanguageModel.builder().path(dir).threads(1).build();
    }

    private static Chunk chunk(String id, String doc, String title, String text) {
        int ordinal = Integer.parseInt(id.substring(id.indexOf('#') + 1));
        return new Chunk(id, doc, ordinal, text, new CharSpan(100 * ordinal, 100 * ordinal + text.length()), "",
                Map.of(Document.TITLE, title));
    }

    /** A checkpoint directory made of some of stories260K's files, linked, not copied. */
    private static void link(Path dir, String... files) throws IOException {
        for (String f : files) {
            Files.createSymbolicLink(dir.resolve(f), stories.resolve(f));
        }
    }

    @AfterAll
    static void close() {
        if (index != null) {
            index.close();
        }
        if (lm != null) {
            lm.close();
        }
    }

    private static GenerationConfig greedy(int maxNewTokens) {
        return GenerationConfig.builder().maxNewTokens(maxNewTokens).build();
    }

    private static RagPipeline.Builder pipeline(LanguageModel model) {
        return RagPipeline.builder().index(index).model(model).promptTemplate(TEMPLATE).maxAnswerTokens(ANSWER_TOKENS)
                .topK(3).mode(Mode.KEYWORD);
    }

    @Test
    void answerIsTheModelsGreedyContinuationOfTheFinalPromptWithItsTokenCounts() {
        assertThat(lm.config().contextLength()).as("max_position_embeddings in config.json").isEqualTo(512);
        Answer a = pipeline(lm).build().ask(QUESTION);

        assertThat(a.context()).isNotEmpty();
        assertThat(a.context().getFirst().id()).isEqualTo("lily#0");
        int[] ids = lm.tokenizer().encode(a.prompt());
        assertThat(ids[0]).as("BOS").isEqualTo(1);
        assertThat(a.usage().promptTokens()).isEqualTo(ids.length);
        assertThat(a.usage().promptTokens() + ANSWER_TOKENS).isLessThanOrEqualTo(512);

        Generation reference = lm.generate(a.prompt(), greedy(ANSWER_TOKENS));
        assertThat(a.text()).isNotEmpty().isEqualTo(reference.text());
        assertThat(a.usage().generatedTokens()).isEqualTo(reference.generatedTokens()).isPositive();
    }

    @Test
    void contextIsPackedIntoTheWindowAndTooSmallWindowsAreRefused() {
        int full = Math.toIntExact(pipeline(lm).build().ask(QUESTION).usage().promptTokens());
        String bare = "Sources:\nQuestion: " + QUESTION + "\nAnswer:";
        int bareTokens = lm.tokenizer().encode(bare).length;
        assertThat(full).isGreaterThan(bareTokens);

        Answer tight = pipeline(lm).contextWindow(full + ANSWER_TOKENS - 1).build().ask(QUESTION);
        assertThat(tight.usage().promptTokens()).isLessThan(full)
                .isEqualTo(lm.tokenizer().encode(tight.prompt()).length);
        assertThat(tight.usage().promptTokens() + ANSWER_TOKENS).isLessThanOrEqualTo(full + ANSWER_TOKENS - 1);

        Answer empty = pipeline(lm).contextWindow(bareTokens + ANSWER_TOKENS).build().ask(QUESTION);
        assertThat(empty.context()).isEmpty();
        assertThat(empty.prompt()).isEqualTo(bare);
        assertThat(empty.text()).isEqualTo(lm.generate(bare, greedy(ANSWER_TOKENS)).text());

        assertThatThrownBy(() -> pipeline(lm).contextWindow(bareTokens + ANSWER_TOKENS - 1).build().ask(QUESTION))
                .isInstanceOf(ContextWindowException.class).hasMessageContaining(bareTokens + " tokens");
        assertThatThrownBy(() -> pipeline(lm).contextWindow(513).build())
                .isInstanceOf(RagConfigException.class).hasMessageContaining("contextWindow must be in [16, 512]");
    }

    @Test
    void chatTemplateRendersThePromptAsOneUserTurnWithASingleBos(@TempDir Path dir) throws IOException {
        String chatml = "{{ bos_token }}{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n"
                + "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";
        try (LanguageModel chat = withTemplate(dir, chatml)) {
            Answer a = pipeline(chat).topK(1).build().ask(QUESTION);
            String user = "Sources:\n[1] Lily's Ball\nLily found the red ball under the big tree in the park.\n\n"
                    + "Question: " + QUESTION + "\nAnswer:";
            assertThat(a.prompt()).isEqualTo("<s><|im_start|>user\n" + user + "<|im_end|>\n<|im_start|>assistant\n");

            int[] ids = chat.tokenizer().encode(a.prompt(), false);
            assertThat(ids[0]).as("the template's BOS").isEqualTo(1);
            assertThat(ids[1]).as("no second BOS").isNotEqualTo(1);
            assertThat(a.usage().promptTokens()).isEqualTo(ids.length);

            Generation reference = chat.chat(List.of(ChatMessage.user(user)), greedy(ANSWER_TOKENS));
            assertThat(reference.promptTokens()).isEqualTo(ids.length);
            assertThat(a.text()).isEqualTo(reference.text());
            assertThat(a.usage().generatedTokens()).isEqualTo(reference.generatedTokens());
        }
    }

    /** stories260K in {@code dir} with {@code template} as its chat template. */
    private static LanguageModel withTemplate(Path dir, String template) throws IOException {
        link(dir, "config.json", "model.safetensors", "tokenizer.json", "special_tokens_map.json",
                "generation_config.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(stories.resolve("tokenizer_config.json").toFile());
        config.put("chat_template", template);
        json.writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
        return load(dir);
    }

    /**
     * A template that opens a think block for the reply, as DeepSeek-R1's does: the story model never closes it, so
     * everything it writes is reasoning and the answer is empty, as {@link LanguageModel#chat} gives it; the
     * pipeline must not pass the reasoning off as the answer.
     */
    @Test
    void theAnswerOfAThinkingModelLeavesItsReasoningOut(@TempDir Path dir) throws IOException {
        String thinking = "{{ bos_token }}{% for m in messages %}<|im_start|>{{ m.role }}\n"
                + "{{ m.content.split('</think>')[-1] }}<|im_end|>\n{% endfor %}"
                + "{% if add_generation_prompt %}<|im_start|>assistant\n<think>\n{% endif %}";
        try (LanguageModel chat = withTemplate(dir, thinking)) {
            Answer a = pipeline(chat).topK(1).build().ask(QUESTION);
            String user = "Sources:\n[1] Lily's Ball\nLily found the red ball under the big tree in the park.\n\n"
                    + "Question: " + QUESTION + "\nAnswer:";
            Generation reference = chat.chat(List.of(ChatMessage.user(user)), greedy(ANSWER_TOKENS));
            assertThat(reference.reasoning()).isNotBlank();
            assertThat(reference.text()).isEmpty();
            assertThat(a.text()).isEqualTo(reference.text());
            assertThat(a.usage().generatedTokens()).isEqualTo(reference.generatedTokens());
        }
    }

    @Test
    void modelExcludesTheGeneratorSettingsAndNeedsATokenizer(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> pipeline(lm).tokenCounter(TokenCounter.whitespace()).build())
                .isInstanceOf(RagConfigException.class).hasMessageContaining("either model or those");
        assertThatThrownBy(() -> pipeline(lm).generator(p -> "x").build())
                .isInstanceOf(RagConfigException.class).hasMessageContaining("either model or those");
        assertThatThrownBy(() -> RagPipeline.builder().index(index).model(lm, null).build())
                .isInstanceOf(RagConfigException.class).hasMessageContaining("generationConfig");

        link(dir, "config.json", "model.safetensors");
        try (LanguageModel noTokenizer = load(dir)) {
            assertThatThrownBy(() -> pipeline(noTokenizer).build())
                    .isInstanceOf(RagConfigException.class).hasMessageContaining("no tokenizer.json");
        }
    }

    @Test
    void generationConfigSetsTheDefaultAnswerBudgetAndSamplingSettings() {
        GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(8).temperature(1.0).seed(7).build();
        Answer a = RagPipeline.builder().index(index).model(lm, cfg).promptTemplate(TEMPLATE).mode(Mode.KEYWORD)
                .build().ask(QUESTION);
        Generation reference = lm.generate(a.prompt(), cfg);
        assertThat(a.text()).as("the same seeded draw").isEqualTo(reference.text())
                .isNotEqualTo(lm.generate(a.prompt(), greedy(8)).text());
        assertThat(a.usage().generatedTokens()).isEqualTo(reference.generatedTokens()).isEqualTo(8);
    }
}
