package io.llmops4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One block of native memory that a model's float32 CPU weights are loaded into, laid out back to back, instead of
 * one PyTorch allocation per tensor. The block starts on a huge-page boundary and is advised onto transparent huge
 * pages before anything is written to it, so every weight is read through 2 MiB pages: PyTorch's own allocations
 * start at arbitrary 4 KiB pages, and the huge pages that a tensor's two ends fall in could not be given to it
 * (86 of the 110M-parameter benchmark model's 438 MB stayed on small pages, even after the decode kernel's
 * {@code MADV_COLLAPSE}): the committed loader decoded 3.2% faster in paired runs (95% CI -0.4 to +6.8%), the kernel
 * on aligned copies of the weights 4.9% (CI +2.3 to +7.6%), both measured with two models in one JVM, a design later
 * found to differ by up to 7% between identical models; alternating JMH runs put decode at a median 84% of the
 * copy bound against 77.5% without it (docs/BENCHMARKS.md). PyTorch reads the same memory: the
 * tensors are views of it, and so live no longer than it (a read after it is unmapped crashes the process).
 *
 * <p>The memory is mapped with Linux's {@code mmap} through the FFM API (final in Java 22, see
 * {@link DecodeKernel}); elsewhere, or where the mapping fails, {@link #reserve} gives {@link #NONE} and the weights
 * go to PyTorch's allocator as before. Closing unmaps the block: close it only after every tensor in it (closing
 * the {@link NDManager} they belong to does both, see {@link WeightLoader}).
 */
interface WeightMemory extends AutoCloseable {
    /** Where tensors start in the block: on a cache line each. */
    long TENSOR_ALIGNMENT = 64;

    /** Memory that holds nothing: every weight goes to PyTorch's allocator. */
    WeightMemory NONE = new WeightMemory() {
        @Override
        public NDArray allocate(NDManager manager, Shape shape) {
            return null;
        }

        @Override
        public void close() {
        }
    };

    /**
     * A float32 tensor of {@code shape} (zeros) in this memory, owned by {@code manager}, or null where it does not
     * fit (the block is full, or the tensor is larger than the 2 GiB a view can cover): allocate it elsewhere.
     */
    NDArray allocate(NDManager manager, Shape shape);

    /** Unmaps the block; tensors in it must not be used afterwards. */
    @Override
    void close();

    /**
     * A block of at least {@code bytes} for float32 CPU weights laid out by {@link #allocate} (each tensor's start
     * rounded up to {@link #TENSOR_ALIGNMENT}), or {@link #NONE} when this JVM or system cannot map one (the reason
     * is logged).
     */
    static WeightMemory reserve(long bytes) {
        Logger log = LoggerFactory.getLogger(WeightMemory.class);
        if (Runtime.version().feature() < 22
                || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            log.debug("weights in PyTorch's allocations: huge-page weight memory needs Java 22+ on Linux");
            return NONE;
        }
        try {
            return (WeightMemory) Class.forName("io.llmops4j.core.model.MappedWeightMemory")
                    .getDeclaredConstructor(long.class).newInstance(bytes);
        } catch (InvocationTargetException e) {
            log.info("weights in PyTorch's allocations: {}", e.getCause().toString());
            return NONE;
        } catch (ReflectiveOperationException | LinkageError e) {
            log.info("weights in PyTorch's allocations: the weight memory could not be loaded ({})", e.toString());
            return NONE;
        }
    }
}
