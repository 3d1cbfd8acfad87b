package io.llmops4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmops4j.eval.run.Dataset;
import io.llmops4j.eval.run.Example;
import io.llmops4j.eval.run.ExampleResult;
import io.llmops4j.eval.run.Metrics;
import io.llmops4j.eval.run.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RagJudgeTest {
    static final String CONTEXT = "The Eiffel Tower is in Paris. It was completed in 1889.";

    private static RagJudge judgeReplying(String reply, List<String> prompts) {
        return RagJudge.builder().judge(prompt -> {
            prompts.add(prompt);
            return reply;
        }).build();
    }

    @Test
    void acceptedRepliesMapToTheScale() {
        // 1..5 scale: score = (rating - 1) / 4
        assertThat(RagJudge.parse("Score: 4", 1, 5)).isEqualTo(4);
        assertThat(RagJudge.parse("The answer restates the context.\nSCORE = 5", 1, 5)).isEqualTo(5);
        assertThat(RagJudge.parse("score: **3**", 1, 5)).isEqualTo(3);
        assertThat(RagJudge.parse("Score: 2\nFinal score: 2", 1, 5)).isEqualTo(2);
        assertThat(RagJudge.parse("Score: 4.0", 1, 5)).isEqualTo(4);
        assertThat(RagJudge.parse("  **1**\n", 1, 5)).isEqualTo(1);
        assertThat(RagJudge.parse("5.", 1, 5)).isEqualTo(5);
        assertThat(RagJudge.parse("Score: 0", 0, 10)).isZero();

        List<String> prompts = new ArrayList<>();
        JudgeScore s = judgeReplying("Mostly supported.\nScore: 4", prompts).groundedness("It is in Paris.", List.of(CONTEXT));
        assertThat(s).isEqualTo(new JudgeScore(0.75, 4, "Mostly supported.\nScore: 4"));
        assertThat(prompts).singleElement().asString().contains("Context:\n" + CONTEXT).contains("Answer:\nIt is in Paris.")
                .contains("an integer from 1 to 5");
    }

    @Test
    void outOfRangeRepliesAreRejected() {
        assertThatThrownBy(() -> RagJudge.parse("Score: 6", 1, 5)).isInstanceOf(JudgeException.class)
                .hasMessageContaining("judge score 6 is outside the scale 1..5");
        assertThatThrownBy(() -> RagJudge.parse("0", 1, 5)).hasMessageContaining("judge score 0 is outside the scale 1..5");
        assertThatThrownBy(() -> RagJudge.parse("Score: -2", 1, 5)).hasMessageContaining("judge score -2 is outside");
        assertThatThrownBy(() -> RagJudge.parse("Score: 11", 0, 10)).hasMessageContaining("outside the scale 0..10");
        List<String> prompts = new ArrayList<>();
        assertThatThrownBy(() -> judgeReplying("Score: 7", prompts).answerRelevance("q?", "a"))
                .isInstanceOfSatisfying(JudgeException.class, e -> assertThat(e.reply()).isEqualTo("Score: 7"));
    }

    @Test
    void garbageRepliesAreRejected() {
        assertThatThrownBy(() -> RagJudge.parse("The answer looks good to me.", 1, 5)).isInstanceOf(JudgeException.class)
                .hasMessageContaining("holds no \"Score: N\" and is not a bare number: \"The answer looks good to me.\"");
        assertThatThrownBy(() -> RagJudge.parse("", 1, 5)).hasMessageContaining("holds no");
        assertThatThrownBy(() -> RagJudge.parse("4/5", 1, 5)).hasMessageContaining("holds no");
        assertThatThrownBy(() -> RagJudge.parse("On a scale of 1 to 5, I give 4", 1, 5)).hasMessageContaining("holds no");
        assertThatThrownBy(() -> RagJudge.parse("Score: 3.5", 1, 5)).hasMessageContaining("judge score 3.5 is not an integer");
        assertThatThrownBy(() -> RagJudge.parse("Score: 2. On reflection, Score: 4", 1, 5))
                .hasMessageContaining("several different scores [2, 4]");
        RagJudge failing = RagJudge.builder().judge(p -> {
            throw new IllegalStateException("rate limited");
        }).build();
        // a failing call is not a bad reply: it propagates unchanged, so an evaluation stops instead of scoring on
        assertThatThrownBy(() -> failing.contextRelevance("q?", List.of(CONTEXT))).isInstanceOf(IllegalStateException.class)
                .hasMessage("rate limited");
        assertThat(RagJudge.parse("Score: 4. Once more, Score: 4.0", 1, 5)).isEqualTo(4);
        assertThatThrownBy(() -> RagJudge.builder().judge(p -> "Score: 3").build().groundedness("a", List.of()))
                .isInstanceOf(InvalidMetricInputException.class).hasMessageContaining("at least one context");
        assertThatThrownBy(() -> RagJudge.builder().judge(p -> null).build().answerRelevance("q", "a"))
                .isInstanceOf(JudgeException.class).hasMessageContaining("judge returned null");
    }

    @Test
    void customScaleAndTemplate() {
        List<String> prompts = new ArrayList<>();
        RagJudge judge = RagJudge.builder().judge(p -> {
            prompts.add(p);
            return "Score: 7";
        }).scale(0, 10).template(RagJudge.Criterion.ANSWER_RELEVANCE, "Q={{ question }} A={{ answer }} [{{ min }}-{{ max }}]").build();
        assertThat(judge.answerRelevance("why?", "because").score()).isEqualTo(0.7);
        assertThat(prompts).containsExactly("Q=why? A=because [0-10]");
    }

    /** A scripted judge over a small RAG dataset: two valid replies, one garbage, one out of range. */
    @Test
    void evaluatorAggregatesValidJudgmentsAndRecordsInvalidOnes() {
        Map<String, String> replies = Map.of("answer one", "Fully supported.\nScore: 5", "answer two", "Score: 4",
                "answer three", "It depends.", "answer four", "Score: 9");
        RagJudge judge = RagJudge.builder().judge(prompt -> replies.entrySet().stream()
                .filter(e -> prompt.contains("Answer:\n" + e.getKey() + "\n")).findFirst().orElseThrow().getValue()).build();
        List<Example> examples = new ArrayList<>();
        for (String id : List.of("one", "two", "three", "four")) {
            examples.add(new Example(id, "question " + id, List.of(), CONTEXT, Map.of()));
        }
        Run run = Evaluator.builder().dataset(Dataset.of("rag", examples)).system(in -> "answer " + in.substring(9))
                .metrics(Metrics.groundedness(judge)).bootstrapSamples(100).build().run();
        // valid ratings 5 and 4 on 1..5: (1.0 + 0.75) / 2
        assertThat(run.info().metrics().get("judge_groundedness").mean()).isEqualTo(0.875);
        assertThat(run.info().metrics().get("judge_groundedness").n()).isEqualTo(2);
        assertThat(io.llmops4j.eval.report.Reports.markdown(List.of(run.info())))
                .contains("| judge_groundedness | 0.8750 [").contains("(n=2 of 4)");
        assertThat(run.info().failures()).isZero();
        List<ExampleResult> r = run.examples();
        assertThat(r.get(0).scores()).containsEntry("judge_groundedness", 1.0);
        assertThat(r.get(1).scores()).containsEntry("judge_groundedness", 0.75);
        assertThat(r.get(2).scores()).isEmpty();
        assertThat(r.get(2).metricErrors().get("judge_groundedness")).contains("holds no \"Score: N\"");
        assertThat(r.get(3).metricErrors().get("judge_groundedness")).contains("judge score 9 is outside the scale 1..5");

        org.jsoup.nodes.Document html = org.jsoup.Jsoup.parse(io.llmops4j.eval.report.HtmlReport.render("judged", List.of(run)));
        String coverage = html.select("table.coverage tr:eq(1)").text();
        assertThat(coverage).startsWith("judge_groundedness 2 of 4; 2 metric errors, first: ")
                .contains("holds no \"Score: N\"");
        assertThat(html.select("span[title*=outside the scale 1..5]").text()).isEqualTo("metric error");
    }

    @Test
    void badConfiguration() {
        assertThatThrownBy(() -> RagJudge.builder().build()).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("RagJudge.judge is required");
        assertThatThrownBy(() -> RagJudge.builder().judge(p -> "1").scale(5, 5).build())
                .hasMessageContaining("RagJudge.scale must satisfy 0 <= min < max <= 100, found 5..5");
        assertThatThrownBy(() -> RagJudge.builder().judge(p -> "1").template(RagJudge.Criterion.GROUNDEDNESS, "{% if %}").build())
                .isInstanceOf(InvalidMetricInputException.class).hasMessageContaining("RagJudge.template(GROUNDEDNESS) is not a valid Jinja template");
        assertThatThrownBy(() -> RagJudge.builder().judge(p -> "1").build().groundedness(null, List.of()))
                .isInstanceOf(InvalidMetricInputException.class).hasMessageContaining("answer must not be null");
    }
}
