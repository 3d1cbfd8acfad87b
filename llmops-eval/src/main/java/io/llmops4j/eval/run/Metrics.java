package io.llmops4j.eval.run;

import io.llmops4j.eval.BertScore;
import io.llmops4j.eval.Bleu;
import io.llmops4j.eval.BleuOptions;
import io.llmops4j.eval.Chrf;
import io.llmops4j.eval.ChrfOptions;
import io.llmops4j.eval.InvalidMetricInputException;
import io.llmops4j.eval.Meteor;
import io.llmops4j.eval.RagJudge;
import io.llmops4j.eval.RagMetrics;
import io.llmops4j.eval.Rouge;
import io.llmops4j.eval.SemanticRagMetrics;
import io.llmops4j.eval.text.PythonText;
import java.util.List;

/**
 * Ready-made {@link ExampleMetric}s over the text metrics. Sentence-level scores are averaged over a run; note
 * that the mean of sentence BLEU is not corpus BLEU (use {@link Bleu#corpus} for that).
 */
public final class Metrics {
    private Metrics() {
    }

    /** Sentence BLEU (0-100) with sacreBLEU's {@code sentence_bleu} defaults (effective order). */
    public static ExampleMetric bleu() {
        BleuOptions options = BleuOptions.builder().effectiveOrder(true).build();
        return of("bleu", (out, ex) -> Bleu.sentence(out, references(ex), options).score());
    }

    /** Sentence chrF2 (0-100); {@code wordOrder} 2 gives chrF++. */
    public static ExampleMetric chrf(int wordOrder) {
        ChrfOptions options = ChrfOptions.builder().wordOrder(wordOrder).build();
        return of(wordOrder == 0 ? "chrf" : "chrf" + "+".repeat(wordOrder), (out, ex) -> Chrf.sentence(out, references(ex), options).score());
    }

    /** ROUGE F-measure (0..1) of one type, best over references, with stemming. */
    public static ExampleMetric rouge(String type) {
        Rouge rouge = Rouge.builder().types(type).useStemmer(true).build();
        return of(type, (out, ex) -> rouge.scoreMulti(references(ex), out).get(type).fmeasure());
    }

    /** METEOR (0..1) with the given scorer. */
    public static ExampleMetric meteor(Meteor meteor) {
        return of("meteor", (out, ex) -> meteor.score(references(ex), out));
    }

    /** BERTScore F1, best over the references (see {@link BertScore}); the caller closes the scorer. */
    public static ExampleMetric bertScore(BertScore bertScore) {
        return of("bertscore_f1", (out, ex) -> bertScore.scoreMulti(out, references(ex)).f1());
    }

    /** 1 if the whitespace-normalised output equals a whitespace-normalised reference, else 0. */
    public static ExampleMetric exactMatch() {
        return of("exact_match", (out, ex) -> {
            String o = PythonText.normalizeSpaces(out);
            for (String r : references(ex)) {
                if (PythonText.normalizeSpaces(r).equals(o)) {
                    return 1.0;
                }
            }
            return 0.0;
        });
    }

    /** Lexical groundedness of the output in the example's {@code context} (see {@link RagMetrics}). */
    public static ExampleMetric groundedness(RagMetrics rag) {
        return of("groundedness", (out, ex) -> rag.groundedness(out, context(ex)));
    }

    /** Lexical relevance of the output to the example's input (see {@link RagMetrics}). */
    public static ExampleMetric answerRelevance(RagMetrics rag) {
        return of("answer_relevance", (out, ex) -> rag.answerRelevance(ex.input(), out));
    }

    /** Embedding similarity of the output and the example's input (see {@link SemanticRagMetrics}). */
    public static ExampleMetric answerRelevance(SemanticRagMetrics semantic) {
        return of("semantic_answer_relevance", (out, ex) -> semantic.answerRelevance(ex.input(), out));
    }

    /** Share of the example's context sentences similar to its input (see {@link SemanticRagMetrics}). */
    public static ExampleMetric contextRelevance(SemanticRagMetrics semantic) {
        return of("semantic_context_relevance", (out, ex) -> semantic.contextRelevance(ex.input(), context(ex)));
    }

    /** The judge's groundedness (0..1) of the output in the example's context; invalid replies are recorded. */
    public static ExampleMetric groundedness(RagJudge judge) {
        return of("judge_groundedness", (out, ex) -> judge.groundedness(out, context(ex)).score());
    }

    /** The judge's relevance (0..1) of the output to the example's input. */
    public static ExampleMetric answerRelevance(RagJudge judge) {
        return of("judge_answer_relevance", (out, ex) -> judge.answerRelevance(ex.input(), out).score());
    }

    /** The judge's relevance (0..1) of the example's context to its input (the output is not used). */
    public static ExampleMetric contextRelevance(RagJudge judge) {
        return of("judge_context_relevance", (out, ex) -> judge.contextRelevance(ex.input(), context(ex)).score());
    }

    /** Corpus BLEU (sacreBLEU defaults, 0-100) over the run, from per-example statistics. */
    public static CorpusMetric corpusBleu() {
        BleuOptions options = BleuOptions.defaults();
        return new CorpusMetric() {
            @Override
            public String name() {
                return "corpus_bleu";
            }

            @Override
            public long[] statistics(String output, Example example) {
                return Bleu.segmentStatistics(output, references(example), options);
            }

            @Override
            public double score(long[] summed) {
                return Bleu.fromStatistics(summed, options, 0).score();
            }
        };
    }

    /** Corpus chrF2 (0-100; {@code wordOrder} 2 = chrF++) over the run, from per-example statistics. */
    public static CorpusMetric corpusChrf(int wordOrder) {
        ChrfOptions options = ChrfOptions.builder().wordOrder(wordOrder).build();
        return new CorpusMetric() {
            @Override
            public String name() {
                return wordOrder == 0 ? "corpus_chrf" : "corpus_chrf" + "+".repeat(wordOrder);
            }

            @Override
            public long[] statistics(String output, Example example) {
                return Chrf.segmentStatistics(output, references(example), options);
            }

            @Override
            public double score(long[] summed) {
                return Chrf.fromStatistics(summed, options, 0).score();
            }
        };
    }

    /** A metric from a name and a function. */
    public static ExampleMetric of(String name, java.util.function.ToDoubleBiFunction<String, Example> fn) {
        return new ExampleMetric() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double score(String output, Example example) {
                return fn.applyAsDouble(output, example);
            }
        };
    }

    private static List<String> context(Example ex) {
        if (ex.context() == null) {
            throw new InvalidMetricInputException("example '" + ex.id() + "' has no context");
        }
        return List.of(ex.context());
    }

    private static List<String> references(Example ex) {
        if (ex.references().isEmpty()) {
            throw new InvalidMetricInputException("example '" + ex.id() + "' has no reference");
        }
        return ex.references();
    }
}
