package io.llmops4j.core.model;

import java.lang.reflect.InvocationTargetException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A forward pass over a few new positions of one sequence (a decoding step, or a short prompt) on the CPU as fused
 * Java code instead of PyTorch's op-at-a-time execution. Decoding a token is a matrix-vector product per weight
 * matrix, bound by memory bandwidth; through DJL it costs dozens of native calls per layer and PyTorch multiplies a
 * matrix by a vector on one thread. A few positions at once read each weight row once for all of them. The kernel reads the very tensors the DJL blocks hold (no copy: in-place changes to the
 * weights reach both paths) and reads and writes the same {@link KvCache}, so steps of either path can be mixed.
 *
 * <p>The implementation uses the Java Vector API over {@code MemorySegment}s, so it exists only on Java 22 or
 * newer with {@code --add-modules jdk.incubator.vector}; elsewhere {@link #create} returns empty and decoding stays
 * on PyTorch.
 */
interface DecodeKernel extends AutoCloseable {
    Logger LOG = LoggerFactory.getLogger(DecodeKernel.class);
    String IMPLEMENTATION = "io.llmops4j.core.model.VectorDecodeKernel";
    String VECTOR_MODULE = "jdk.incubator.vector";
    /**
     * The most positions one kernel pass takes; {@link Transformer#nextLogits} runs longer inputs as several
     * passes. One pass was measured faster than PyTorch's matrix-matrix products at every length up to this one
     * (110M model, 2 threads: 1.43x at 128 positions, 2.4x at 16), and passes of 128 faster than PyTorch's single
     * forward pass at 256 to 1024 positions (1.15-1.48x; docs/BENCHMARKS.md); its scratch space grows with it.
     */
    int MAX_POSITIONS = 128;

    /**
     * Runs {@code tokens} at positions {@code start ..}, writing their keys and values into {@code cache} (which holds
     * positions {@code 0 .. start-1}: {@link Transformer#nextLogits} checks that for both paths), and writes the
     * float32 logits of the token after the last into {@code logits} (one per vocabulary entry); with {@code logits}
     * null (a pass before the last of a longer input) it only fills the cache and skips the head's product.
     * Allocates nothing while consecutive calls have the same number of tokens. {@code ropeLength} is the sequence length that
     * length-dependent (dynamic NTK) rotary frequencies are computed for: the end of the whole input of which these
     * tokens are one pass, as transformers computes them once for a forward pass over all of it.
     */
    void forward(int[] tokens, int start, int ropeLength, KvCache cache, float[] logits);

    /** Stops the kernel's worker threads; the weights belong to the model. */
    @Override
    void close();

    /**
     * The kernel for {@code weights} with {@code threads} workers, or empty when this JVM cannot run it or the
     * model uses something it does not implement (then the reason is logged).
     */
    static Optional<DecodeKernel> create(DecodeWeights weights, int threads) {
        if (Runtime.version().feature() < 22) {
            LOG.info("decoding runs on PyTorch: the fused CPU kernel needs Java 22+ (running {})", Runtime.version());
            return Optional.empty();
        }
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            LOG.info("decoding runs on PyTorch: start the JVM with --add-modules {} for the fused CPU kernel "
                    + "(several times faster single-stream decoding)", VECTOR_MODULE);
            return Optional.empty();
        }
        String unsupported = unsupported(weights);
        if (unsupported != null) {
            LOG.info("decoding runs on PyTorch: the fused CPU kernel does not implement {}", unsupported);
            return Optional.empty();
        }
        try {
            return Optional.of((DecodeKernel) Class.forName(IMPLEMENTATION)
                    .getDeclaredConstructor(DecodeWeights.class, int.class)
                    .newInstance(weights, threads));
        } catch (InvocationTargetException e) {
            LOG.warn("decoding runs on PyTorch: the fused CPU kernel refused this model ({})", e.getCause().toString());
            return Optional.empty();
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.warn("decoding runs on PyTorch: the fused CPU kernel could not be loaded ({})", e.toString());
            return Optional.empty();
        }
    }

    /** What of the model the kernel lacks, or null. */
    private static String unsupported(DecodeWeights weights) {
        String activation = weights.config().activation();
        if (!java.util.List.of("silu", "swish", "gelu_new", "gelu_pytorch_tanh", "relu").contains(activation)) {
            return "the activation '" + activation + "'";
        }
        return null;
    }
}
