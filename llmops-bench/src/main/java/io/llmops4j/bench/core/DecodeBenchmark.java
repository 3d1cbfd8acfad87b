package io.llmops4j.bench.core;

import io.llmops4j.core.GenerationConfig;
import io.llmops4j.core.LanguageModel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Single-stream decode and prefill speed of a random-weight Llama of about 110M parameters (dim 768,
 * 12 layers, 12 heads, MLP 2048, vocab 32000, tied embeddings) in float32, at 1 and 2 threads, with the fused
 * CPU decode kernel ({@code fused=true}, the default) and with every step on PyTorch ({@code fused=false}, the
 * baseline). Scores are tokens per second. With {@code fused=true} the 128-token prefill runs where the model
 * runs it by default: on the kernel, except on Intel processors, where prompts of more than 32 tokens run on
 * PyTorch ({@code LanguageModel.Builder.fusedPromptLimit}); {@code -p promptLimit=128} puts it on the kernel
 * everywhere.
 *
 * <p>The host's memory bandwidth moves by a factor of two or more within minutes (docs/BENCHMARKS.md), so the
 * bound is measured inside the decode trial too: after every measurement iteration of {@code decode} the same
 * number of threads copy and read arrays of 256 MiB ({@link MemoryBandwidthBenchmark}'s passes), and at the end
 * of the trial the rate of decode's single steps over those iterations (the end-to-end rate beside it) is printed
 * next to the bandwidth measured between them. Because the bandwidth also moves within a second, one copy pass
 * after every generation of a measurement iteration (outside the timed invocation) gives the bound over the same
 * seconds as decode, printed beside it.
 * The kernel reads its weights from transparent huge pages; the JVM is started with
 * {@code -XX:+UseTransparentHugePages} so that the bound's arrays are on huge pages too (they measured 3-11% more
 * copy bandwidth than on 4 KiB pages), and decode is held against the best the machine does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true",
        "-XX:+UseTransparentHugePages"})
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 10)
public class DecodeBenchmark {
    static final int DECODE_TOKENS = 64;
    static final int PREFILL_TOKENS = 128;

    @Param({"1", "2"})
    public int threads;

    @Param({"true", "false"})
    public boolean fused;

    /** The model's {@code fusedPromptLimit}; 0 for its default on this CPU. */
    @Param({"0"})
    public int promptLimit;

    private Path dir;
    private LanguageModel model;
    private int[] shortPrompt;
    private int[] longPrompt;
    private GenerationConfig decode;
    private GenerationConfig prefill;
    private Bound bound; // measured between decode's measurement iterations; null for prefill
    private long iterationNanos; // the iteration's generations, end to end, without the copy passes between them
    private long iterationTokens;
    private long decodeNanos;
    private long decodeTokens;
    private int streamed; // the current generation's tokens so far, and when its first and last arrived
    private long firstTokenAt;
    private long lastTokenAt;
    private long iterationStepNanos; // from each generation's first token to its last: single steps only
    private long iterationSteps;
    private long stepNanos;
    private long steps;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        if (params.getBenchmark().endsWith(".decode")) {
            bound = new Bound(threads);
        }
        dir = RandomCheckpoint.llama(768, 12, 12, 2048, 32000, 2048, 42);
        LanguageModel.Builder builder = LanguageModel.builder().path(dir).device("cpu").threads(threads)
                .fusedDecode(fused);
        model = (promptLimit > 0 ? builder.fusedPromptLimit(promptLimit) : builder).build();
        shortPrompt = new int[] {1, 450, 4996, 17354, 1701, 432, 14687, 975};
        longPrompt = new int[PREFILL_TOKENS];
        for (int i = 0; i < longPrompt.length; i++) {
            longPrompt[i] = 1 + (i * 7919) % 31999;
        }
        decode = GenerationConfig.builder().maxNewTokens(DECODE_TOKENS).build();
        prefill = GenerationConfig.builder().maxNewTokens(1).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (bound != null) {
            if (decodeNanos > 0) { // NaN steps/s when every generation stopped at its first token
                System.out.println(bound.report(steps > 0 ? steps / (stepNanos / 1e9) : Double.NaN,
                        decodeTokens / (decodeNanos / 1e9), weightBytes()));
            }
            bound.close();
        }
        model.close();
        RandomCheckpoint.delete(dir);
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        iterationTokens = 0;
        iterationStepNanos = 0;
        iterationSteps = 0;
        iterationNanos = 0;
    }

    @TearDown(Level.Iteration)
    public void endIteration(IterationParams iteration) {
        if (bound != null && iteration.getType() == IterationType.MEASUREMENT) {
            decodeNanos += iterationNanos;
            decodeTokens += iterationTokens;
            stepNanos += iterationStepNanos;
            steps += iterationSteps;
            bound.measure();
        }
    }

    /** One copy pass after each generation of a measurement iteration: the bound over the same seconds as decode. */
    @TearDown(Level.Invocation)
    public void afterGeneration(IterationParams iteration) {
        if (bound != null && iteration.getType() == IterationType.MEASUREMENT) {
            bound.sample();
        }
    }

    /** Bytes of weights one decoding step reads: every parameter once (the KV cache, a few MB, is left out). */
    private long weightBytes() {
        return model.config().parameterCount() * Float.BYTES;
    }

    /**
     * Greedy decoding of 64 tokens after an 8-token prompt; score = generated tokens/s, end to end (the prompt's pass
     * included, 8 of 72 positions). The stream callback also times the single steps alone, from the first token to
     * the last (the time per output token after the first, as serving benchmarks report it): that rate is decode's
     * in the {@code [bound]} line, the end-to-end one beside it.
     */
    @Benchmark
    @OperationsPerInvocation(DECODE_TOKENS)
    public int decode() {
        long begin = System.nanoTime();
        streamed = 0;
        int generated = model.stream(shortPrompt, decode, token -> {
            lastTokenAt = System.nanoTime();
            if (streamed++ == 0) {
                firstTokenAt = lastTokenAt;
            }
        }, null).generatedTokens();
        iterationNanos += System.nanoTime() - begin;
        iterationTokens += generated;
        if (streamed > 1) {
            iterationSteps += streamed - 1;
            iterationStepNanos += lastTokenAt - firstTokenAt;
        }
        return generated;
    }

    /** One forward pass over a 128-token prompt (plus one sampled token); score = prompt tokens/s. */
    @Benchmark
    @OperationsPerInvocation(PREFILL_TOKENS)
    public int prefill() {
        return model.generate(longPrompt, prefill).generatedTokens();
    }
}
