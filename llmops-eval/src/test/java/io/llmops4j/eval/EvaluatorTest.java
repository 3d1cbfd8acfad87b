package io.llmops4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmops4j.eval.report.HtmlReport;
import io.llmops4j.eval.report.Reports;
import io.llmops4j.eval.run.Comparison;
import io.llmops4j.eval.run.Dataset;
import io.llmops4j.eval.run.Example;
import io.llmops4j.eval.run.Metrics;
import io.llmops4j.eval.run.Run;
import io.llmops4j.eval.run.RunInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {
    static final Map<String, String> ANSWERS = Map.of("q1", "the cat sat on the mat", "q2", "paris is the capital",
            "q3", "two plus two is four", "q4", "water boils at 100 degrees");

    static Dataset dataset() {
        List<Example> ex = new ArrayList<>();
        int i = 1;
        for (String id : List.of("q1", "q2", "q3", "q4")) {
            ex.add(Example.of(id, "question " + i++ + " <" + id + ">", ANSWERS.get(id)));
        }
        return Dataset.of("toy", ex);
    }

    static Run run(String name, java.util.function.Function<String, String> system) {
        return Evaluator.builder().name(name).dataset(dataset()).system(system)
                .metrics(Metrics.exactMatch(), Metrics.bleu(), Metrics.rouge("rougeL")).param("model", name).concurrency(2)
                .bootstrapSamples(200).build().run();
    }

    /** A perfect system for every example except q3, which it answers wrongly. */
    static String mostlyRight(String input) {
        String id = input.substring(input.indexOf('<') + 1, input.indexOf('>'));
        return id.equals("q3") ? "five" : ANSWERS.get(id);
    }

    @Test
    void runRecordsScoresParamsAndFailures() {
        AtomicInteger progress = new AtomicInteger();
        Run r = Evaluator.builder().name("v1").dataset(dataset()).system(in -> {
            if (in.contains("q4")) {
                throw new IllegalStateException("model crashed");
            }
            return mostlyRight(in);
        }).metrics(Metrics.exactMatch()).listener((done, total) -> progress.incrementAndGet()).build().run();
        RunInfo info = r.info();
        assertThat(info.examples()).isEqualTo(4);
        assertThat(info.failures()).isEqualTo(1);
        // exact match over the 3 scored examples: q1 = 1, q2 = 1, q3 = 0 -> 2/3
        assertThat(info.metrics().get("exact_match").mean()).isEqualTo(2 / 3.0);
        assertThat(info.metrics().get("exact_match").n()).isEqualTo(3);
        assertThat(info.params()).containsEntry("dataset", "toy").containsEntry("dataset_size", "4")
                .containsEntry("dataset_sha256", dataset().sha256());
        assertThat(r.examples().get(3).error()).isEqualTo("IllegalStateException: model crashed");
        assertThat(r.examples().get(3).scores()).isEmpty();
        assertThat(progress.get()).isEqualTo(4);
        // a plain function reports no token usage: nothing is made up
        assertThat(r.examples()).allSatisfy(e -> assertThat(e.tokens()).isNull());
        assertThat(info.tokens()).isNull();
        assertThat(Reports.markdown(List.of(info))).doesNotContain("tokens");
    }

    @Test
    void storeListLoadTagCompareAndReport(@TempDir Path dir) {
        RunStore store = RunStore.open(dir);
        Run a = run("baseline", EvaluatorTest::mostlyRight);
        Run b = run("candidate", in -> "five");
        store.save(a);
        store.save(b);
        assertThat(store.list()).extracting(RunInfo::id).containsExactlyInAnyOrder(a.id(), b.id());
        Run loaded = store.load(a.id());
        assertThat(loaded).isEqualTo(a);
        assertThat(store.tag(a.id(), "prod", "v1").tags()).containsExactly("prod", "v1");
        assertThat(store.load(a.id()).info().tags()).containsExactly("prod", "v1");

        Comparison c = store.compare(a.id(), b.id());
        Comparison.MetricDelta em = c.deltas().get(0);
        assertThat(em.metric()).isEqualTo("exact_match");
        // a: 1, 1, 0, 1 (mean 3/4); b: all wrong -> 0; delta -3/4
        assertThat(em.meanA()).isEqualTo(0.75);
        assertThat(em.meanB()).isEqualTo(0.0);
        assertThat(em.delta()).isEqualTo(-0.75);
        assertThat(c.changes()).extracting(Comparison.ExampleChange::id).contains("q1", "q2", "q4").doesNotContain("q3");

        String md = Reports.markdown(List.of(a.info(), b.info()));
        assertThat(md).contains("| exact_match | 0.7500 [").contains("(`" + a.id() + "`)");
        assertThat(Reports.markdown(c)).contains("| exact_match | 0.7500 | 0.0000 | -0.7500");
        String csv = Reports.csv(List.of(a.info()));
        assertThat(csv).startsWith("run_id,run_name,metric,mean,ci_low,ci_high,n\r\n").contains(a.id() + ",baseline,exact_match,0.75,");

        String html = HtmlReport.render("Toy <eval>", List.of(store.load(a.id()), b));
        Document doc = Jsoup.parse(html);
        assertThat(doc.title()).isEqualTo("Toy <eval>");
        assertThat(doc.select("svg")).hasSize(3); // one chart per metric
        assertThat(doc.select("svg rect")).hasSize(6); // one bar per run and metric
        assertThat(doc.select("tr.regression")).hasSizeGreaterThanOrEqualTo(3); // q1, q2, q4 got worse
        assertThat(doc.select("script")).isEmpty();
        assertThat(doc.select("[src], link[href]")).isEmpty(); // self-contained
        assertThat(html).contains("question 1 &lt;q1&gt;");
    }

    @Test
    void interruptingTheCallerCancelsTheRun() throws Exception {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        Evaluator slow = Evaluator.builder().dataset(dataset()).system(in -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "x";
        }).metrics(Metrics.exactMatch()).build();
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                slow.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        started.await();
        t.interrupt();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(java.util.concurrent.CancellationException.class).hasMessageContaining("interrupted");
    }

    @Test
    void promptTemplateIsRenderedAndRecorded() {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        String template = "Q: {{ input }}{% if context %} C: {{ context }}{% endif %} ({{ id }})";
        Run r = Evaluator.builder().dataset(Dataset.of("d", List.of(new Example("e1", "why?", List.of("because"), "ctx", Map.of()))))
                .system(p -> {
                    seen.add(p);
                    return "because";
                }).promptTemplate(template).metrics(Metrics.exactMatch()).build().run();
        assertThat(seen).containsExactly("Q: why? C: ctx (e1)");
        assertThat(r.info().params()).containsEntry("prompt_template", template).containsKey("prompt_template_sha256");
        assertThat(r.examples().get(0).input()).isEqualTo("why?");
        assertThatThrownBy(() -> Evaluator.builder().dataset(dataset()).system(x -> x).metrics(Metrics.bleu())
                .promptTemplate("{% if %}").build()).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("promptTemplate is not a valid Jinja template");
    }

    @Test
    void corpusMetricsEqualTheCorpusScoreOfAllOutputs() {
        Run r = Evaluator.builder().dataset(dataset()).system(EvaluatorTest::mostlyRight).metrics(Metrics.exactMatch())
                .corpusMetrics(Metrics.corpusBleu(), Metrics.corpusChrf(2)).bootstrapSamples(300).build().run();
        List<String> outputs = r.examples().stream().map(e -> e.output()).toList();
        List<String> refs = dataset().examples().stream().map(e -> e.references().get(0)).toList();
        double bleu = Bleu.corpus(outputs, List.of(refs), BleuOptions.defaults()).score();
        double chrf = Chrf.corpus(outputs, List.of(refs), ChrfOptions.builder().wordOrder(2).build()).score();
        assertThat(r.info().metrics().get("corpus_bleu").mean()).isEqualTo(bleu);
        assertThat(r.info().metrics().get("corpus_chrf++").mean()).isEqualTo(chrf);
        assertThat(r.info().metrics().get("corpus_bleu").low()).isLessThanOrEqualTo(bleu);
        assertThat(r.info().metrics().get("corpus_bleu").high()).isGreaterThanOrEqualTo(bleu);
        // compare pairs the per-example metrics only
        assertThat(Comparison.of(r, r, 100, 1, 3).deltas()).extracting(Comparison.MetricDelta::metric).containsExactly("exact_match");
    }

    @Test
    void storeErrors(@TempDir Path dir) {
        RunStore store = RunStore.open(dir);
        assertThatThrownBy(() -> store.load("nope")).isInstanceOf(RunStoreException.class).hasMessageContaining("no run 'nope'");
        assertThatThrownBy(() -> store.load("../etc")).isInstanceOf(RunStoreException.class).hasMessageContaining("invalid run id");
    }

    @Test
    void builderValidation() {
        assertThatThrownBy(() -> Evaluator.builder().system(x -> x).metrics(Metrics.bleu()).build())
                .isInstanceOf(InvalidMetricInputException.class).hasMessageContaining("dataset is required");
        assertThatThrownBy(() -> Evaluator.builder().dataset(dataset()).system(x -> x).metrics(Metrics.bleu()).concurrency(0).build())
                .hasMessageContaining("concurrency must be in 1..256, found 0");
        assertThatThrownBy(() -> Evaluator.builder().dataset(dataset()).system(x -> x).metrics(Metrics.bleu(), Metrics.bleu()).build())
                .hasMessageContaining("duplicate metric 'bleu'");
        Dataset noRefs = Dataset.of("x", List.of(new Example("e1", "in", List.of(), null, Map.of())));
        assertThatThrownBy(() -> Evaluator.builder().dataset(noRefs).system(x -> x).metrics(Metrics.bleu()).build().run())
                .isInstanceOf(InvalidMetricInputException.class).hasMessageContaining("example 'e1' has no reference");
    }
}
