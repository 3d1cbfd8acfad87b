package io.llmops4j.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmops4j.core.TokenUsage;
import io.llmops4j.rag.SearchRequest.Mode;
import io.llmops4j.rag.chunk.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RagPipelineTest {
    private VectorIndex index;
    private final List<String> prompts = new ArrayList<>();
    private final List<Integer> budgets = new ArrayList<>();

    @BeforeEach
    void fill() {
        index = VectorIndex.inMemory(new HashEmbedder());
        index.add(List.of(
                new Chunk("guide#0", "guide", 0, "Heat pumps move heat from outside air into the house.",
                        new CharSpan(0, 54), "Guide > Basics", Map.of(Document.TITLE, "Heat Pump Guide",
                        Document.SOURCE, "/docs/guide.md")),
                new Chunk("guide#1", "guide", 1, "into the house. Heat pumps need electricity to run the compressor.",
                        new CharSpan(39, 105), "Guide > Basics", Map.of(Document.TITLE, "Heat Pump Guide")),
                new Chunk("report#0", "report", 0, "Heat pumps cut heating costs by half in the 2023 trial.",
                        new CharSpan(0, 55), "", Map.of(Document.TITLE, "Annual Report", Document.PAGE, "3")),
                new Chunk("other#0", "other", 0, "Wind turbines need steady wind.", new CharSpan(0, 31), "", Map.of())));
        index.refresh();
    }

    @AfterEach
    void close() {
        index.close();
    }

    private RagPipeline.Builder pipeline(String answer) {
        return RagPipeline.builder().index(index).tokenCounter(TokenCounter.whitespace()).mode(Mode.KEYWORD)
                .generator((prompt, max) -> {
                    prompts.add(prompt);
                    budgets.add(max);
                    return answer;
                });
    }

    @Test
    void answersWithNumberedCitationsAndDeduplicatedContext() {
        Answer a = pipeline("They move heat [1] and halve costs [2].").contextWindow(1000).maxAnswerTokens(100).build()
                .ask("How do heat pumps cut costs?");
        // guide#1 overlaps guide#0 (chars 39..54 of the same document), so whichever ranks lower is dropped
        assertThat(a.context()).extracting(SearchHit::documentId).doesNotHaveDuplicates();
        assertThat(a.retrieved().size()).isGreaterThan(a.context().size());
        assertThat(a.citations()).extracting(Citation::number).containsExactly(1, 2);
        for (int i = 0; i < a.context().size(); i++) {
            Citation c = a.citations().get(i);
            assertThat(c.chunkId()).isEqualTo(a.context().get(i).id());
            assertThat(a.prompt()).contains("[" + c.number() + "] " + c.label() + "\n" + a.context().get(i).text());
        }
        Citation report = a.citations().stream().filter(c -> c.documentId().equals("report")).findFirst().orElseThrow();
        assertThat(report.label()).isEqualTo("Annual Report, p. 3");
        assertThat(a.cited()).hasSize(2);
        assertThat(a.prompt()).startsWith("Answer the question using only the numbered sources below.")
                .contains("Question: How do heat pumps cut costs?\nAnswer:");
        assertThat(prompts).containsExactly(a.prompt());
        assertThat(budgets).containsExactly(100);
        assertThat(a.usage()).isEqualTo(new TokenUsage(TokenCounter.whitespace().count(a.prompt()), 8));
        assertThat(a.usage().totalTokens()).isEqualTo(a.usage().promptTokens() + 8);
    }

    @Test
    void contextIsPackedWithinTheWindowKeepingRoomForTheAnswer() {
        RagPipeline.Builder b = pipeline("ok").promptTemplate("Q: {question}\n{context}").maxAnswerTokens(10).topK(4);
        // "Q: heat pumps" = 3 tokens; each source block is 1 ("[n]") + label words + text words.
        String q = "heat pumps";
        int full = Math.toIntExact(b.contextWindow(1000).build().ask(q).usage().promptTokens());
        Answer tight = b.contextWindow(full + 10 - 1).build().ask(q);
        assertThat(tight.usage().promptTokens()).isLessThanOrEqualTo(full - 1);
        assertThat(tight.context().size()).isLessThan(4);
        Answer none = b.maxAnswerTokens(20).contextWindow(3 + 20).build().ask(q);
        assertThat(none.context()).isEmpty();
        assertThat(none.prompt()).isEqualTo("Q: heat pumps\n");
        assertThatThrownBy(() -> b.contextWindow(2 + 20).build().ask(q)).isInstanceOf(ContextWindowException.class)
                .hasMessageContaining("3 tokens").hasMessageContaining("2 are available");
    }

    @Test
    void slotsAreFilledOnceAndChatFormattingIsCounted() {
        Answer a = pipeline("x").promptTemplate("{context}--{question}").chatFormatter(p -> "<user> " + p + " <end>")
                .topK(1).build().ask("what about {context} heat pumps");
        assertThat(a.prompt()).startsWith("<user> [1] ").endsWith("--what about {context} heat pumps <end>");
        assertThat(a.usage().promptTokens()).isEqualTo(TokenCounter.whitespace().count(a.prompt()));
    }

    @Test
    void anyPromptToTextFunctionWorksAsGenerator() {
        Answer a = RagPipeline.builder().index(index).tokenCounter(TokenCounter.whitespace())
                .generator(prompt -> "Wind turbines need steady wind [1].").topK(1).build().ask("wind turbines");
        assertThat(a.citations()).singleElement().extracting(Citation::chunkId).isEqualTo("other#0");
        assertThat(a.cited()).singleElement().extracting(Citation::label).isEqualTo("other");
    }

    @Test
    void invalidConfigurationIsRefused() {
        assertThatThrownBy(() -> pipeline("x").promptTemplate("no slots").build())
                .isInstanceOf(RagConfigException.class).hasMessageContaining("{question}");
        assertThatThrownBy(() -> pipeline("x").promptTemplate("{question} {context} {context}").build())
                .isInstanceOf(RagConfigException.class).hasMessageContaining("{context} exactly once");
        assertThatThrownBy(() -> pipeline("x").contextWindow(100).maxAnswerTokens(100).build())
                .isInstanceOf(RagConfigException.class).hasMessageContaining("maxAnswerTokens");
        assertThatThrownBy(() -> RagPipeline.builder().index(index).tokenCounter(TokenCounter.whitespace()).build())
                .isInstanceOf(RagConfigException.class).hasMessageContaining("generator");
        assertThatThrownBy(() -> pipeline("x").build().ask(" ")).isInstanceOf(RagConfigException.class)
                .hasMessageContaining("blank");
    }
}
