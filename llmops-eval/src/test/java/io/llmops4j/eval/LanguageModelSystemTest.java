package io.llmops4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmops4j.core.GenerationConfig;
import io.llmops4j.eval.report.Reports;
import io.llmops4j.eval.run.Dataset;
import io.llmops4j.eval.run.Example;
import io.llmops4j.eval.run.ExampleResult;
import io.llmops4j.eval.run.Metrics;
import io.llmops4j.eval.run.Run;
import io.llmops4j.core.TokenUsage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real stories260K checkpoint as the system under test and as a judge (skipped when ../shared is absent). */
class LanguageModelSystemTest extends WithStoriesModel {
    /** Greedy; stories end with BOS (1) rather than EOS (2), so stop on both. */
    static final GenerationConfig GREEDY = GenerationConfig.builder().maxNewTokens(8).stopTokenIds(1, 2).build();

    /** Greedy decoding by hand: one full logits call per step, argmax of the last row, stop on 1 or 2. */
    private static int[] greedy(int[] prompt, int maxNew) {
        List<Integer> ids = new ArrayList<>();
        for (int id : prompt) {
            ids.add(id);
        }
        List<Integer> generated = new ArrayList<>();
        while (generated.size() < maxNew) {
            float[][] logits = model.logits(ids.stream().mapToInt(Integer::intValue).toArray());
            float[] last = logits[logits.length - 1];
            int best = 0;
            for (int v = 1; v < last.length; v++) {
                best = last[v] > last[best] ? v : best;
            }
            generated.add(best);
            ids.add(best);
            if (best == 1 || best == 2) {
                break;
            }
        }
        return generated.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * stories260K with a template that opens a think block for the reply, as DeepSeek-R1's does: the model never
     * closes it, so all it writes is reasoning; the system's output is the answer chat() gives (empty), not the
     * reasoning.
     */
    @Test
    void aThinkingModelsOutputLeavesItsReasoningOut(@TempDir Path dir) throws java.io.IOException {
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "generation_config.json")) {
            java.nio.file.Files.createSymbolicLink(dir.resolve(f), DIR.toAbsolutePath().resolve(f));
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode config = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.readTree(DIR.resolve("tokenizer_config.json").toFile());
        config.put("chat_template", "{{ bos_token }}{% for m in messages %}<|im_start|>{{ m.role }}\n"
                + "{{ m.content.split('</think>')[-1] }}<|im_end|>\n{% endfor %}"
                + "{% if add_generation_prompt %}<|im_start|>assistant\n<think>\n{% endif %}");
        json.writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
        try (io.llmops4j.core.LanguageModel thinking = io.llmops4j.core.LanguageModel.builder().path(dir)
                .device("cpu").threads(1).build()) {
            Run run = Evaluator.builder().name("thinking").dataset(Dataset.of("one", List.of(
                    Example.of("lily", "Tell a story about Lily.", "Lily played.")))).system(thinking, GREEDY)
                    .promptTemplate("{{ input }}").metrics(Metrics.rouge("rouge1")).bootstrapSamples(10).build().run();
            io.llmops4j.core.Generation reference = thinking.chat(
                    List.of(io.llmops4j.core.ChatMessage.user("Tell a story about Lily.")), GREEDY);
            assertThat(reference.reasoning()).isNotBlank();
            ExampleResult r = run.examples().get(0);
            assertThat(r.error()).isNull();
            assertThat(r.output()).isEqualTo(reference.text()).isEmpty();
            // it did generate: the reasoning's tokens, as chat() counts them
            assertThat(r.tokens().generatedTokens()).isEqualTo((long) reference.generatedTokens()).isPositive();
        }
    }

    @Test
    void languageModelIsASystemUnderTestWithTokenUsage(@TempDir Path dir) {
        List<String> names = List.of("Lily", "Tom", "a little dog");
        List<Example> examples = new ArrayList<>();
        for (String n : names) {
            examples.add(Example.of(n, n, "there was a little girl named Lily."));
        }
        String template = "Once upon a time, {{ input }}";
        Run run = Evaluator.builder().name("stories").dataset(Dataset.of("names", examples)).system(model, GREEDY)
                .promptTemplate(template).metrics(Metrics.rouge("rouge1")).bootstrapSamples(50).build().run();

        long promptTotal = 0;
        long generatedTotal = 0;
        for (int i = 0; i < names.size(); i++) {
            int[] prompt = model.tokenizer().encode("Once upon a time, " + names.get(i));
            int[] generated = greedy(prompt, GREEDY.maxNewTokens());
            boolean stopped = generated[generated.length - 1] <= 2;
            int[] text = stopped ? Arrays.copyOf(generated, generated.length - 1) : generated;
            ExampleResult r = run.examples().get(i);
            assertThat(r.error()).isNull();
            assertThat(r.output()).isNotBlank();
            assertThat(r.output().strip()).isEqualTo(model.tokenizer().decode(text).strip());
            assertThat(r.tokens()).isEqualTo(new TokenUsage(prompt.length, generated.length));
            promptTotal += prompt.length;
            generatedTotal += generated.length;
        }
        assertThat(run.info().tokens()).isEqualTo(new TokenUsage(promptTotal, generatedTotal));
        assertThat(org.jsoup.Jsoup.parse(io.llmops4j.eval.report.HtmlReport.render("tokens", List.of(run)))
                .select("td.num").eachText()).contains(promptTotal + " + " + generatedTotal);
        assertThat(run.info().params()).containsEntry("model_architecture", "LlamaForCausalLM")
                .containsEntry("model_parameters", String.valueOf(model.config().parameterCount()))
                .containsEntry("generation_config", GREEDY.toString()).containsEntry("prompt_format", "raw")
                .containsEntry("prompt_template", template);
        assertThat(Reports.markdown(List.of(run.info())))
                .contains("| tokens (prompt + generated) | " + promptTotal + " + " + generatedTotal + " |");

        RunStore store = RunStore.open(dir);
        store.save(run);
        assertThat(store.load(run.id())).isEqualTo(run);
    }

    /** A story model cannot grade: its reply is a story, rejected rather than turned into a default score. */
    @Test
    void storyModelAsJudgeIsRejectedWithItsReply() {
        GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(12).stopTokenIds(1, 2).build();
        RagJudge judge = RagJudge.builder().judge(model, cfg)
                .template(RagJudge.Criterion.ANSWER_RELEVANCE, "Lily asked {{ question }} Tom said {{ answer }}").build();
        String expectedReply = model.generate("Lily asked where the ball was. Tom said it was under the tree.", cfg).text();
        assertThatThrownBy(() -> judge.answerRelevance("where the ball was.", "it was under the tree."))
                .isInstanceOfSatisfying(JudgeException.class, e -> assertThat(e.reply()).isNotBlank().isEqualTo(expectedReply))
                .hasMessageContaining("holds no \"Score: N\"");
    }

    @Test
    void modelWithoutTokenizerOrConfigIsRejected() {
        assertThatThrownBy(() -> Evaluator.builder().system(model, null)).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("Evaluator.system: the model and the generation config must not be null");
        assertThatThrownBy(() -> RagJudge.builder().judge(null, GREEDY)).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("RagJudge.judge: the model and the generation config must not be null");
    }
}
