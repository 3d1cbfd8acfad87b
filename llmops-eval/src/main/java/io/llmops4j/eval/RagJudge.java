package io.llmops4j.eval;

import io.llmops4j.core.GenerationConfig;
import io.llmops4j.core.LanguageModel;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RAG quality judged by a language model (LLM-as-judge): groundedness, answer relevance and context relevance,
 * each from one judge call whose reply must carry an integer rating on a fixed scale.
 *
 * <pre>{@code
 * RagJudge judge = RagJudge.builder().judge(prompt -> myLlm.complete(prompt)).scale(1, 5).build();
 * JudgeScore s = judge.groundedness(answer, contexts);   // s.score() in 0..1, s.rating() in 1..5
 * }</pre>
 *
 * <p>Each {@link Criterion} has a Jinja prompt template (variables {@code question}, {@code answer},
 * {@code context} — the contexts joined by blank lines — and {@code min}, {@code max}); the defaults ask for a last
 * line {@code Score: N}. A reply is accepted if it contains {@code Score: N} (any case, {@code =} also accepted,
 * one value if repeated) or consists of the bare number alone (surrounding {@code *} and a final period allowed);
 * {@code N} must be an integer within the scale. Anything else raises {@link JudgeException} with the reply:
 * there is no default score. The rating maps to 0..1 as {@code (rating - min) / (max - min)}.
 *
 * <p>Thread-safe if the judge function is.
 */
public final class RagJudge {
    /** What the judge is asked to rate. */
    public enum Criterion {
        /** Whether the answer's claims are supported by the retrieved context. */
        GROUNDEDNESS,
        /** Whether the answer addresses the question. */
        ANSWER_RELEVANCE,
        /** Whether the retrieved context is relevant to the question. */
        CONTEXT_RELEVANCE
    }

    private static final Pattern LABELLED = Pattern.compile("(?i)\\bscore\\s*[:=]\\s*\\**\\s*(-?\\d+(?:\\.\\d+)?)");
    private static final Pattern BARE = Pattern.compile("\\**\\s*(-?\\d+(?:\\.\\d+)?)\\s*\\**\\.?");
    private static final String REPLY_FORMAT = "Reply with a last line of the form \"Score: N\", where N is an integer "
            + "from {{ min }} to {{ max }}.";
    private static final Map<Criterion, String> DEFAULT_TEMPLATES = new EnumMap<>(Map.of(
            Criterion.GROUNDEDNESS, "You are grading an answer produced from retrieved context.\n\nContext:\n"
                    + "{{ context }}\n\nAnswer:\n{{ answer }}\n\nRate how well every claim in the answer is supported by "
                    + "the context: {{ min }} means none is supported, {{ max }} means all are. " + REPLY_FORMAT,
            Criterion.ANSWER_RELEVANCE, "You are grading an answer to a question.\n\nQuestion:\n{{ question }}\n\n"
                    + "Answer:\n{{ answer }}\n\nRate how directly and completely the answer addresses the question: "
                    + "{{ min }} means not at all, {{ max }} means fully. " + REPLY_FORMAT,
            Criterion.CONTEXT_RELEVANCE, "You are grading retrieved context for a question.\n\nQuestion:\n"
                    + "{{ question }}\n\nContext:\n{{ context }}\n\nRate how relevant the context is to answering the "
                    + "question: {{ min }} means irrelevant, {{ max }} means entirely relevant. " + REPLY_FORMAT));

    private final Function<String, String> judge;
    private final int min;
    private final int max;
    private final Map<Criterion, String> templates;

    private RagJudge(Function<String, String> judge, int min, int max, Map<Criterion, String> templates) {
        this.judge = judge;
        this.min = min;
        this.max = max;
        this.templates = templates;
    }

    /** A builder: scale 1..5, the default templates; a judge is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** How well the answer is supported by the contexts. */
    public JudgeScore groundedness(String answer, List<String> contexts) {
        return ask(Criterion.GROUNDEDNESS, "", nonNull(answer, "answer"), contexts);
    }

    /** How well the answer addresses the question. */
    public JudgeScore answerRelevance(String question, String answer) {
        return ask(Criterion.ANSWER_RELEVANCE, nonNull(question, "question"), nonNull(answer, "answer"), List.of());
    }

    /** How relevant the contexts are to the question. */
    public JudgeScore contextRelevance(String question, List<String> contexts) {
        return ask(Criterion.CONTEXT_RELEVANCE, nonNull(question, "question"), "", contexts);
    }

    private JudgeScore ask(Criterion criterion, String question, String answer, List<String> contexts) {
        nonNull(contexts, "contexts");
        if (contexts.isEmpty() && criterion != Criterion.ANSWER_RELEVANCE) {
            throw new InvalidMetricInputException(criterion + " needs at least one context text, got none");
        }
        for (int i = 0; i < contexts.size(); i++) {
            nonNull(contexts.get(i), "contexts[" + i + "]");
        }
        String prompt = JinjaTemplates.render(templates.get(criterion),
                variables(question, answer, String.join("\n\n", contexts), min, max));
        // a failing call (cancelled, closed model, network) is not a bad reply: it propagates and ends the evaluation
        String reply = judge.apply(prompt);
        if (reply == null) {
            throw new JudgeException("judge returned null for " + criterion, null);
        }
        int rating = parse(reply, min, max);
        return new JudgeScore((double) (rating - min) / (max - min), rating, reply);
    }

    /**
     * The rating in a reply: the value of {@code Score: N}, or the reply itself if it is a bare number.
     *
     * @throws JudgeException if there is none, several different ones, or it is not an integer in {@code min..max}
     */
    static int parse(String reply, int min, int max) {
        // keyed by numeric value, so "Score: 4 ... Score: 4.0" is one score
        TreeMap<BigDecimal, String> found = new TreeMap<>();
        Matcher m = LABELLED.matcher(reply);
        while (m.find()) {
            found.putIfAbsent(new BigDecimal(m.group(1)).stripTrailingZeros(), m.group(1));
        }
        if (found.isEmpty()) {
            Matcher bare = BARE.matcher(reply.strip());
            if (bare.matches()) {
                found.put(new BigDecimal(bare.group(1)).stripTrailingZeros(), bare.group(1));
            }
        }
        if (found.isEmpty()) {
            throw new JudgeException("judge reply holds no \"Score: N\" and is not a bare number: " + quote(reply), reply);
        }
        if (found.size() > 1) {
            throw new JudgeException("judge reply gives several different scores " + found.values() + ": "
                    + quote(reply), reply);
        }
        String value = found.firstEntry().getValue();
        if (value.contains(".") && !value.matches("-?\\d+\\.0+")) {
            throw new JudgeException("judge score " + value + " is not an integer from " + min + " to " + max + ": "
                    + quote(reply), reply);
        }
        double number = Double.parseDouble(value);
        if (number < min || number > max) {
            throw new JudgeException("judge score " + value + " is outside the scale " + min + ".." + max + ": "
                    + quote(reply), reply);
        }
        return (int) number;
    }

    private static String quote(String reply) {
        String r = reply.length() > 200 ? reply.substring(0, 200) + "..." : reply;
        return "\"" + r + "\"";
    }

    private static Map<String, Object> variables(String question, String answer, String context, int min, int max) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("question", question);
        vars.put("answer", answer);
        vars.put("context", context);
        vars.put("min", min);
        vars.put("max", max);
        return vars;
    }

    private static <T> T nonNull(T value, String what) {
        return MetricInputs.nonNull(value, "RAG judge", what);
    }

    /** Builder of {@link RagJudge}; {@link #build()} validates. */
    public static final class Builder {
        private Function<String, String> judge;
        private int min = 1;
        private int max = 5;
        private final Map<Criterion, String> templates = new EnumMap<>(DEFAULT_TEMPLATES);

        private Builder() {
        }

        /** The judge: prompt in, reply out (any model or API). */
        public Builder judge(Function<String, String> judge) {
            this.judge = Objects.requireNonNull(judge, "judge");
            return this;
        }

        /**
         * A local model as the judge: the prompt goes through its chat template as a user message when the
         * checkpoint has one, else it is continued as plain text. Greedy decoding ({@code temperature 0}) keeps
         * judgments repeatable.
         */
        public Builder judge(LanguageModel model, GenerationConfig config) {
            LanguageModels.check(model, config, "RagJudge.judge");
            this.judge = prompt -> LanguageModels.complete(model, prompt, config).text();
            return this;
        }

        /** The integer rating scale, {@code 0 <= min < max <= 100}; default 1..5. */
        public Builder scale(int min, int max) {
            this.min = min;
            this.max = max;
            return this;
        }

        /** Replaces the prompt template of one criterion (Jinja; see the class comment for the variables). */
        public Builder template(Criterion criterion, String template) {
            templates.put(Objects.requireNonNull(criterion, "criterion"), template);
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws InvalidMetricInputException if no judge is set, the scale is out of range or a template is not
         *     valid Jinja
         */
        public RagJudge build() {
            if (judge == null) {
                throw new InvalidMetricInputException("RagJudge.judge is required");
            }
            if (min < 0 || min >= max || max > 100) {
                throw new InvalidMetricInputException("RagJudge.scale must satisfy 0 <= min < max <= 100, found "
                        + min + ".." + max);
            }
            for (Map.Entry<Criterion, String> t : templates.entrySet()) {
                JinjaTemplates.check(t.getValue(), "RagJudge.template(" + t.getKey() + ")",
                        variables("q", "a", "c", min, max));
            }
            return new RagJudge(judge, min, max, new EnumMap<>(templates));
        }
    }
}
