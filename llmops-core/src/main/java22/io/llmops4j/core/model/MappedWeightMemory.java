package io.llmops4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link WeightMemory} as one anonymous private mapping from Linux's {@code mmap}, of the requested size rounded up
 * to whole huge pages plus one huge page of slack, so that a huge-page-aligned block of the full size lies inside it;
 * the block gets {@code madvise(MADV_HUGEPAGE)} while still untouched, so the first write to each 2 MiB faults in a
 * huge page (also where transparent huge pages are given only on request, the common default). Compiled for Java 22
 * and loaded only there (see {@link WeightMemory#reserve}).
 */
final class MappedWeightMemory implements WeightMemory {
    private static final Logger LOG = LoggerFactory.getLogger(MappedWeightMemory.class);
    private static final long DEFAULT_HUGE_PAGE = 2L << 20;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;
    private static final long MAP_FAILED = -1L;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MMAP = libc("mmap", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG), Linker.Option.captureCallState("errno"));
    private static final MethodHandle MUNMAP = libc("munmap", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));

    private final long mapping; // address and length that munmap gets back
    private final long mappingLength;
    private final MemorySegment block;
    private long used;
    private boolean closed;

    MappedWeightMemory(long bytes) throws Throwable {
        if (bytes < 0) {
            throw new IllegalArgumentException("weight memory of " + bytes + " bytes");
        }
        long page = HugePages.hugePageSize().orElse(DEFAULT_HUGE_PAGE);
        long length = Math.max(page, roundUp(bytes, page));
        mappingLength = length + page;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(HugePages.CALL_STATE);
            mapping = (long) MMAP.invokeExact(state, 0L, mappingLength, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1,
                    0L);
            if (mapping == MAP_FAILED) {
                throw new IllegalStateException("mmap of " + mappingLength + " bytes for the weights failed, errno "
                        + (int) HugePages.ERRNO.get(state, 0L));
            }
            long start = roundUp(mapping, page);
            block = MemorySegment.ofAddress(start).reinterpret(length);
            try {
                Optional<MethodHandle> madvise = HugePages.madvise();
                if (madvise.isPresent() && (int) madvise.get().invokeExact(state, start, length, MADV_HUGEPAGE) != 0) {
                    LOG.debug("weights on small pages: madvise(MADV_HUGEPAGE) errno {}",
                            (int) HugePages.ERRNO.get(state, 0L));
                }
            } catch (Throwable e) {
                close();
                throw e;
            }
        }
    }

    @Override
    public synchronized NDArray allocate(NDManager manager, Shape shape) {
        if (closed) {
            throw new IllegalStateException("the weight memory is closed");
        }
        long bytes = shape.size() * Float.BYTES;
        if (bytes == 0 || bytes > Integer.MAX_VALUE || used + bytes > block.byteSize()) {
            return null;
        }
        MemorySegment slice = block.asSlice(used, bytes);
        used = roundUp(used + bytes, TENSOR_ALIGNMENT);
        // a direct buffer: PyTorch's tensor is a view of it, not a copy (see WeightLoader)
        return manager.create(slice.asByteBuffer().order(ByteOrder.nativeOrder()), shape, DataType.FLOAT32);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if ((int) MUNMAP.invokeExact(mapping, mappingLength) != 0) { // only fails for a bad address or length
                LOG.warn("munmap of the weight memory failed");
            }
        } catch (Throwable e) {
            LOG.warn("munmap of the weight memory failed ({})", e.toString());
        }
    }

    private static long roundUp(long value, long multiple) {
        return Math.ceilDiv(value, multiple) * multiple;
    }

    private static MethodHandle libc(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no " + name)), descriptor, options);
    }
}
