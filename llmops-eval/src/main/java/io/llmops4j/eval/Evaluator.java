package io.llmops4j.eval;

import io.llmops4j.core.Generation;
import io.llmops4j.core.GenerationConfig;
import io.llmops4j.core.LanguageModel;
import io.llmops4j.eval.run.Bootstrap;
import io.llmops4j.eval.run.CorpusMetric;
import io.llmops4j.eval.run.Dataset;
import io.llmops4j.eval.run.Example;
import io.llmops4j.eval.run.ExampleMetric;
import io.llmops4j.eval.run.ExampleResult;
import io.llmops4j.eval.run.MetricSummary;
import io.llmops4j.eval.run.Run;
import io.llmops4j.eval.run.RunInfo;
import io.llmops4j.core.TokenUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs a dataset through a system under test (any {@code Function<String, String>}, or a {@link LanguageModel} with
 * a generation config, whose token usage is then recorded), scores every output and records a {@link Run}.
 *
 * <pre>{@code
 * Run run = Evaluator.builder()
 *         .name("prompt-v2")
 *         .dataset(Dataset.readJsonl(Path.of("qa.jsonl")))
 *         .system(input -> myModel.answer(input))
 *         .metrics(Metrics.bleu(), Metrics.rouge("rougeL"))
 *         .param("model", "qwen2-0.5b").concurrency(4)
 *         .build().run();
 * }</pre>
 *
 * <p>The system is called once per example, {@code concurrency} calls at a time; an exception from it is recorded
 * on that example (no scores) and the run continues. A {@link JudgeException} from a metric (a judge's invalid
 * reply) is recorded on the example as that metric's error and leaves the metric unscored there; any other
 * exception from a metric ends the run. Each metric's aggregate is the mean over the scored
 * examples with a percentile-bootstrap 95% interval. The run parameters always include the dataset name, size
 * and SHA-256. Interrupting the calling thread cancels the run ({@link CancellationException}).
 */
public final class Evaluator {
    /** Progress callback, called after each example from a worker thread. */
    @FunctionalInterface
    public interface Listener {
        void onExample(int done, int total);
    }

    private final String name;
    private final Dataset dataset;
    private final Function<String, Reply> system;
    private final Map<String, String> systemParams;
    private final List<ExampleMetric> metrics;
    private final List<CorpusMetric> corpusMetrics;
    private final int concurrency;
    private final Map<String, String> params;
    private final List<String> tags;
    private final int bootstrapSamples;
    private final long seed;
    private final Listener listener;
    private final String promptTemplate;

    private Evaluator(Builder b) {
        this.name = b.name;
        this.dataset = b.dataset;
        this.system = b.system;
        this.systemParams = new LinkedHashMap<>(b.systemParams);
        this.metrics = List.copyOf(b.metrics);
        this.corpusMetrics = List.copyOf(b.corpusMetrics);
        this.concurrency = b.concurrency;
        this.params = new LinkedHashMap<>(b.params);
        this.tags = List.copyOf(b.tags);
        this.bootstrapSamples = b.bootstrapSamples;
        this.seed = b.seed;
        this.listener = b.listener;
        this.promptTemplate = b.promptTemplate;
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Runs the evaluation. */
    public Run run() {
        List<Example> examples = dataset.examples();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "llmops-eval-worker");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        List<ExampleResult> results = new ArrayList<>(examples.size());
        try {
            List<Future<ExampleResult>> futures = new ArrayList<>(examples.size());
            for (Example ex : examples) {
                futures.add(pool.submit(() -> {
                    ExampleResult r = evaluate(ex);
                    listener.onExample(done.incrementAndGet(), examples.size());
                    return r;
                }));
            }
            for (Future<ExampleResult> f : futures) {
                results.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("evaluation '" + name + "' was interrupted after " + done.get() + " examples");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new EvalException("evaluation '" + name + "' failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        double durationMillis = (System.nanoTime() - start) / 1e6;
        Map<String, MetricSummary> summaries = new LinkedHashMap<>();
        for (ExampleMetric m : metrics) {
            double[] values = results.stream().filter(r -> r.scores().containsKey(m.name()))
                    .mapToDouble(r -> r.scores().get(m.name())).toArray();
            summaries.put(m.name(), Bootstrap.meanInterval(values, bootstrapSamples, seed));
        }
        for (CorpusMetric m : corpusMetrics) {
            List<long[]> stats = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).error() == null) {
                    stats.add(m.statistics(results.get(i).output(), examples.get(i)));
                }
            }
            summaries.put(m.name(), Bootstrap.corpusInterval(stats, m::score, bootstrapSamples, seed));
        }
        int failures = (int) results.stream().filter(r -> r.error() != null).count();
        double meanLatency = results.stream().mapToDouble(ExampleResult::latencyMillis).average().orElse(0);
        TokenUsage tokens = results.stream().map(ExampleResult::tokens).filter(java.util.Objects::nonNull)
                .reduce(TokenUsage::plus).orElse(null);
        Map<String, String> p = new LinkedHashMap<>(systemParams);
        p.putAll(params);
        p.put("dataset", dataset.name());
        p.put("dataset_size", String.valueOf(examples.size()));
        p.put("dataset_sha256", dataset.sha256());
        p.put("concurrency", String.valueOf(concurrency));
        if (promptTemplate != null) {
            p.put("prompt_template", promptTemplate);
            p.put("prompt_template_sha256", Dataset.sha256(promptTemplate.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        String id = Instant.now().toString().replace(":", "").replace("-", "").replace(".", "") + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        RunInfo info = new RunInfo(id, name, Instant.now().toString(), p, tags, summaries, examples.size(), failures,
                durationMillis, meanLatency, tokens);
        return new Run(info, results);
    }

    private ExampleResult evaluate(Example ex) {
        long t0 = System.nanoTime();
        Reply reply;
        try {
            reply = system.apply(prompt(ex));
            if (reply.text() == null) {
                throw new EvalException("the system returned null");
            }
        } catch (RuntimeException e) {
            return new ExampleResult(ex.id(), ex.input(), ex.references(), null, Map.of(), Map.of(), (System.nanoTime() - t0) / 1e6,
                    null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        String output = reply.text();
        double latency = (System.nanoTime() - t0) / 1e6;
        Map<String, Double> scores = new LinkedHashMap<>();
        Map<String, String> metricErrors = new LinkedHashMap<>();
        for (ExampleMetric m : metrics) {
            try {
                scores.put(m.name(), m.score(output, ex));
            } catch (JudgeException e) {
                metricErrors.put(m.name(), e.getMessage());
            }
        }
        return new ExampleResult(ex.id(), ex.input(), ex.references(), output, scores, metricErrors, latency, reply.tokens(),
                null);
    }

    /** What the system under test returned for one prompt; {@code tokens} is null if it does not report usage. */
    private record Reply(String text, TokenUsage tokens) {
    }

    /** The text given to the system: the input, or the prompt template rendered for this example. */
    private String prompt(Example ex) {
        if (promptTemplate == null) {
            return ex.input();
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("input", ex.input());
        vars.put("id", ex.id());
        vars.put("context", ex.context() == null ? "" : ex.context());
        vars.put("references", ex.references());
        vars.put("metadata", ex.metadata());
        return JinjaTemplates.render(promptTemplate, vars);
    }

    /** Builder of {@link Evaluator}; {@link #build()} validates. */
    public static final class Builder {
        private String name = "run";
        private Dataset dataset;
        private Function<String, Reply> system;
        private final Map<String, String> systemParams = new LinkedHashMap<>();
        private final List<ExampleMetric> metrics = new ArrayList<>();
        private final List<CorpusMetric> corpusMetrics = new ArrayList<>();
        private int concurrency = 1;
        private final Map<String, String> params = new LinkedHashMap<>();
        private final List<String> tags = new ArrayList<>();
        private int bootstrapSamples = 1000;
        private long seed = 12345;
        private Listener listener = (done, total) -> { };
        private String promptTemplate;

        private Builder() {
        }

        /** Human name of the variant being evaluated. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder dataset(Dataset dataset) {
            this.dataset = dataset;
            return this;
        }

        /** The system under test: input text to output text. Must be thread-safe if concurrency > 1. */
        public Builder system(Function<String, String> system) {
            this.system = system == null ? null : prompt -> new Reply(system.apply(prompt), null);
            this.systemParams.clear();
            return this;
        }

        /**
         * A local model as the system under test: each prompt (the input, or the {@link #promptTemplate rendered
         * template}) goes through the checkpoint's chat template as a user message when it has one, else it is
         * continued as plain text. Token usage is recorded per example and for the run; the run parameters get the
         * model's architecture and size, the generation config and the prompt format. The caller closes the model.
         */
        public Builder system(LanguageModel model, GenerationConfig config) {
            LanguageModels.check(model, config, "Evaluator.system");
            this.system = prompt -> {
                Generation g = LanguageModels.complete(model, prompt, config);
                return new Reply(g.text(), g.usage());
            };
            this.systemParams.clear();
            systemParams.put("model_architecture", model.config().architecture().hfName());
            systemParams.put("model_parameters", String.valueOf(model.config().parameterCount()));
            systemParams.put("generation_config", config.toString());
            systemParams.put("prompt_format", LanguageModels.usesChatTemplate(model) ? "chat_template" : "raw");
            return this;
        }

        public Builder metrics(ExampleMetric... metrics) {
            this.metrics.addAll(List.of(metrics));
            return this;
        }

        /** Corpus-level metrics (e.g. corpus BLEU), computed once over the run with a bootstrap interval. */
        public Builder corpusMetrics(CorpusMetric... metrics) {
            this.corpusMetrics.addAll(List.of(metrics));
            return this;
        }

        /** Parallel system calls, 1..256. */
        public Builder concurrency(int concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        /** A run parameter (model id, adapter, prompt template hash, generation config...). */
        public Builder param(String key, String value) {
            this.params.put(key, value);
            return this;
        }

        public Builder tags(String... tags) {
            this.tags.addAll(List.of(tags));
            return this;
        }

        /** Bootstrap resamples for the confidence intervals, 1..1,000,000. */
        public Builder bootstrapSamples(int samples) {
            this.bootstrapSamples = samples;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * A Jinja prompt template (jinjava) rendered per example and given to the system instead of the raw input;
         * variables: {@code input}, {@code id}, {@code context}, {@code references}, {@code metadata}. The template
         * and its SHA-256 are recorded in the run parameters, so prompt variants are easy to tell apart.
         */
        public Builder promptTemplate(String template) {
            this.promptTemplate = template;
            return this;
        }

        public Builder listener(Listener listener) {
            this.listener = listener;
            return this;
        }

        /** Validates and builds. */
        public Evaluator build() {
            if (name == null || name.isBlank()) {
                throw new InvalidMetricInputException("Evaluator.name must not be blank");
            }
            if (dataset == null) {
                throw new InvalidMetricInputException("Evaluator.dataset is required");
            }
            if (system == null) {
                throw new InvalidMetricInputException("Evaluator.system is required");
            }
            if (metrics.isEmpty() && corpusMetrics.isEmpty()) {
                throw new InvalidMetricInputException("Evaluator.metrics: at least one metric is required");
            }
            LinkedHashSet<String> names = new LinkedHashSet<>();
            for (ExampleMetric m : metrics) {
                if (m == null || !names.add(m.name())) {
                    throw new InvalidMetricInputException("Evaluator.metrics: null or duplicate metric "
                            + (m == null ? "null" : "'" + m.name() + "'"));
                }
            }
            for (CorpusMetric m : corpusMetrics) {
                if (m == null || !names.add(m.name())) {
                    throw new InvalidMetricInputException("Evaluator.corpusMetrics: null or duplicate metric "
                            + (m == null ? "null" : "'" + m.name() + "'"));
                }
            }
            if (concurrency < 1 || concurrency > 256) {
                throw new InvalidMetricInputException("Evaluator.concurrency must be in 1..256, found " + concurrency);
            }
            if (bootstrapSamples < 1 || bootstrapSamples > 1_000_000) {
                throw new InvalidMetricInputException("Evaluator.bootstrapSamples must be in 1..1000000, found " + bootstrapSamples);
            }
            if (promptTemplate != null) {
                JinjaTemplates.check(promptTemplate, "Evaluator.promptTemplate", Map.of("input", "", "id", "", "context", "",
                        "references", List.of(), "metadata", Map.of()));
            }
            if (listener == null) {
                throw new InvalidMetricInputException("Evaluator.listener must not be null");
            }
            return new Evaluator(this);
        }
    }
}
