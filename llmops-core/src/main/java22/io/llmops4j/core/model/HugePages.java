package io.llmops4j.core.model;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves long-lived native memory that the decode kernel streams through (the weights) onto transparent huge pages, with
 * Linux's {@code madvise(MADV_COLLAPSE)} (Linux 6.1+). Weights in a {@link WeightMemory} are on huge pages from the
 * start (a collapse of such a page returns at once); this serves those that PyTorch allocated (a tensor over 2 GiB,
 * or where no weight memory could be mapped). PyTorch allocates tensors on 4 KiB pages, so reading 440 MB of
 * weights per token walks 110,000 pages; with 2 MiB pages the same read needs 220 translations. On the benchmark VM,
 * where every TLB miss is a nested page walk, that gave 6.5%, 19% and 29% more tokens/s at 2 threads in three paired
 * runs (docs/BENCHMARKS.md, runs M-P). The contents do not change, only the pages that back them: the OS copies them
 * into huge pages and remaps them in place, so PyTorch and the kernel keep reading the same addresses, and a step that
 * reads a page while it moves waits for it.
 *
 * <p>Collapsing costs one to three seconds per GiB of freshly written weights (0.4-0.9 s for 336 MiB here), so it runs
 * on a background thread and a model decodes at once, on small pages until its weights have moved. It goes one huge
 * page at a time, so that closing the model stops it within one page. The huge pages that a region's edges fall in are
 * collapsed too: a collapse keeps every byte where it was, so an allocation sharing such a page only finds itself on a
 * huge page as well. Collapsing only the whole huge pages inside each region left a quarter of the 110M-parameter
 * benchmark model's weights (its 49 matrices lose about 2 MiB each) on small pages. An edge page that reaches into
 * another mapping stays small (each large PyTorch tensor is a mapping of its own: 72 pages, 82 MiB of weights, there).
 * Nothing is done where the call is missing or refused (another OS, an older kernel, transparent huge pages set to
 * {@code never}, no free huge pages): decoding is then as fast as before, and the reason is logged.
 */
final class HugePages implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HugePages.class);
    private static final int MADV_COLLAPSE = 25;
    private static final Path PMD_SIZE = Path.of("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private final Thread thread; // null when there is nothing to do
    private final AtomicBoolean stopped;

    private HugePages(Thread thread, AtomicBoolean stopped) {
        this.thread = thread;
        this.stopped = stopped;
    }

    /**
     * Starts backing {@code regions} with huge pages on a daemon thread, from the huge page holding each region's
     * first byte to the one holding its last (regions that overlap or share a huge page, as a tied head and
     * embedding or neighbouring matrices do, are collapsed once). Closing the result stops the work.
     */
    static HugePages collapseInBackground(Collection<MemorySegment> regions) {
        Optional<Long> pageSize = hugePageSize();
        Optional<MethodHandle> madvise = madvise();
        if (pageSize.isEmpty() || madvise.isEmpty()) {
            LOG.debug("decode kernel: weights stay on small pages: this system has no transparent huge pages");
            return new HugePages(null, new AtomicBoolean());
        }
        long page = pageSize.get();
        TreeMap<Long, Boolean> pages = new TreeMap<>(); // first byte of each huge page -> inside one region
        for (MemorySegment region : regions) {
            long start = region.address();
            long end = start + region.byteSize();
            for (long p = Math.floorDiv(start, page) * page; p < end; p += page) {
                pages.merge(p, p >= start && p + page <= end, Boolean::logicalOr);
            }
        }
        AtomicBoolean stopped = new AtomicBoolean();
        Thread thread = Thread.ofPlatform().daemon().name("llmops-huge-pages")
                .start(() -> collapse(pages, page, madvise.get(), stopped));
        return new HugePages(thread, stopped);
    }

    /** Stops the collapse, if it still runs, and waits for its thread: at most one huge page's copy. */
    @Override
    public void close() {
        stopped.set(true);
        if (thread == null) {
            return;
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void collapse(TreeMap<Long, Boolean> pages, long page, MethodHandle madvise,
            AtomicBoolean stopped) {
        long begin = System.nanoTime();
        long backed = 0;
        int small = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            for (var p : pages.entrySet()) {
                if (stopped.get()) {
                    LOG.debug("decode kernel: huge pages stopped, the model was closed");
                    return;
                }
                if ((int) madvise.invokeExact(state, (long) p.getKey(), page, MADV_COLLAPSE) == 0) {
                    backed += page;
                    continue;
                }
                if (p.getValue()) { // a page inside the weights: the OS cannot or will not give huge pages
                    LOG.info("decode kernel: weights stay on small pages where the OS refused huge pages "
                            + "(madvise(MADV_COLLAPSE) errno {}; needs Linux 6.1+ with transparent huge pages)",
                            (int) ERRNO.get(state, 0L));
                    return;
                }
                small++; // an edge page that reaches memory which is not mapped, or mapped otherwise
            }
        } catch (Throwable e) {
            LOG.info("decode kernel: weights stay on small pages ({})", e.toString());
            return;
        }
        LOG.debug(String.format(Locale.ROOT, "decode kernel: %.1f MiB of weights on huge pages in %.0f ms (%d edge"
                + " pages shared with other mappings stayed small)", backed / 1048576.0,
                (System.nanoTime() - begin) / 1e6, small));
    }

    /** The size of a transparent huge page, when the system has them switched on. */
    static Optional<Long> hugePageSize() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Optional.empty();
        }
        try {
            String enabled = Files.readString(PMD_SIZE.resolveSibling("enabled"));
            if (enabled.contains("[never]")) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(Files.readString(PMD_SIZE).trim()));
        } catch (IOException | NumberFormatException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** libc's {@code int madvise(void *addr, size_t length, int advice)}, keeping errno. */
    static Optional<MethodHandle> madvise() {
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find("madvise").map(address -> linker.downcallHandle(address,
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT),
                Linker.Option.captureCallState("errno")));
    }
}
