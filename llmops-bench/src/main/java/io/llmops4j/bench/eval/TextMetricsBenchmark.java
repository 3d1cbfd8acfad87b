package io.llmops4j.bench.eval;

import io.llmops4j.eval.Bleu;
import io.llmops4j.eval.BleuOptions;
import io.llmops4j.eval.Chrf;
import io.llmops4j.eval.ChrfOptions;
import io.llmops4j.eval.Meteor;
import io.llmops4j.eval.Rouge;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the text metrics, single thread. Scores are milliseconds per operation:
 * <ul>
 *   <li>{@code corpusBleu10k}, {@code corpusChrf10k}, {@code corpusChrfPlusPlus10k}: one corpus score over 10,000
 *       segment pairs (10-30 words, one reference); segments/s = 10,000 / (score / 1000).</li>
 *   <li>{@code rougeLLongDocument}, {@code rougeLsumLongDocument}: one document pair of 100 sentences x 10-30
 *       words (~2,000 tokens; rougeL is one 2,000 x 2,000 LCS, rougeLsum 100 x 100 sentence LCS tables).</li>
 *   <li>{@code meteor1k}: 1,000 sentence METEOR scores (exact + stem stages, no WordNet).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class TextMetricsBenchmark {
    static final int SEGMENTS = 10_000;

    private List<String> hypotheses;
    private List<List<String>> references;
    private String longReference;
    private String longCandidate;
    private final Rouge rougeL = Rouge.builder().types("rougeL").useStemmer(true).build();
    private final Rouge rougeLsum = Rouge.builder().types("rougeLsum").useStemmer(true).build();
    private final Meteor meteor = Meteor.builder().build();
    private final ChrfOptions chrfPlusPlus = ChrfOptions.builder().wordOrder(2).build();

    @Setup
    public void setUp() {
        SyntheticText text = new SyntheticText(42);
        hypotheses = new ArrayList<>(SEGMENTS);
        List<String> refs = new ArrayList<>(SEGMENTS);
        for (int i = 0; i < SEGMENTS; i++) {
            String ref = text.sentence(10, 30);
            refs.add(ref);
            hypotheses.add(text.perturb(ref));
        }
        references = List.of(refs);
        longReference = text.document(100, 10, 30);
        longCandidate = text.perturbDocument(longReference);
    }

    @Benchmark
    public double corpusBleu10k() {
        return Bleu.corpus(hypotheses, references, BleuOptions.defaults()).score();
    }

    @Benchmark
    public double corpusChrf10k() {
        return Chrf.corpus(hypotheses, references, ChrfOptions.defaults()).score();
    }

    @Benchmark
    public double corpusChrfPlusPlus10k() {
        return Chrf.corpus(hypotheses, references, chrfPlusPlus).score();
    }

    @Benchmark
    public double rougeLLongDocument() {
        return rougeL.score(longReference, longCandidate).get("rougeL").fmeasure();
    }

    @Benchmark
    public double rougeLsumLongDocument() {
        Map<String, io.llmops4j.eval.RougeScore> s = rougeLsum.score(longReference, longCandidate);
        return s.get("rougeLsum").fmeasure();
    }

    @Benchmark
    public double meteor1k() {
        double sum = 0;
        List<String> refs = references.get(0);
        for (int i = 0; i < 1000; i++) {
            sum += meteor.score(List.of(refs.get(i)), hypotheses.get(i));
        }
        return sum;
    }
}
