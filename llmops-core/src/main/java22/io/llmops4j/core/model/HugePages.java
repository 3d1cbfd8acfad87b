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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves long-lived native memory that the decode kernel streams through (the weights) onto transparent huge pages,
 * with Linux's {@code madvise(MADV_COLLAPSE)} (Linux 6.1+). PyTorch allocates tensors on 4 KiB pages, so reading
 * 440 MB of weights per token walks 110,000 pages; with 2 MiB pages the same read needs 220 translations. On the
 * benchmark VM, where every TLB miss is a nested page walk, that gave 6.5%, 19% and 29% more tokens/s at 2 threads in
 * three paired runs (docs/BENCHMARKS.md, run M). The contents do not change, only the pages that back them: the kernel copies them into huge pages and
 * remaps them in place, so PyTorch and the kernel keep reading the same addresses.
 *
 * <p>Only whole huge pages inside a region are collapsed (a huge page straddling a region's edge may hold another
 * allocation). Nothing is done where the call is missing or refused (another OS, an older kernel, transparent huge
 * pages set to {@code never}, no free huge pages): decoding is then as fast as before, and the reason is logged.
 */
final class HugePages {
    private static final Logger LOG = LoggerFactory.getLogger(HugePages.class);
    private static final int MADV_COLLAPSE = 25;
    private static final Path PMD_SIZE = Path.of("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private HugePages() {
    }

    /**
     * Backs the whole huge pages inside {@code regions} with huge pages; returns the bytes now backed (regions that
     * overlap, as a tied head and embedding do, count once).
     */
    static long collapse(Collection<MemorySegment> regions) {
        Optional<Long> pageSize = hugePageSize();
        Optional<MethodHandle> madvise = madvise();
        if (pageSize.isEmpty() || madvise.isEmpty()) {
            LOG.debug("weights stay on small pages: this system has no transparent huge pages");
            return 0;
        }
        long page = pageSize.get();
        TreeMap<Long, Long> pages = new TreeMap<>(); // first byte -> end, of each region's whole huge pages
        for (MemorySegment region : regions) {
            long first = Math.ceilDiv(region.address(), page) * page;
            long end = Math.floorDiv(region.address() + region.byteSize(), page) * page;
            if (end > first) {
                pages.merge(first, end, Math::max);
            }
        }
        long begin = System.nanoTime();
        long backed = 0;
        long covered = -1; // the end of the pages already collapsed
        int refused = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            for (var range : pages.entrySet()) {
                long first = Math.max(range.getKey(), covered);
                long end = range.getValue();
                if (end <= first) {
                    continue;
                }
                covered = end;
                int result = (int) madvise.get().invokeExact(state, first, end - first, MADV_COLLAPSE);
                if (result == 0) {
                    backed += end - first;
                } else if (refused++ == 0) {
                    LOG.info("decode kernel: weights stay on small pages where the OS refused huge pages "
                            + "(madvise(MADV_COLLAPSE) errno {}; needs Linux 6.1+ with transparent huge pages)",
                            (int) ERRNO.get(state, 0L));
                }
            }
        } catch (Throwable e) {
            LOG.info("decode kernel: weights stay on small pages ({})", e.toString());
            return backed;
        }
        LOG.debug(String.format(Locale.ROOT, "decode kernel: %.1f MiB of weights on huge pages in %.0f ms",
                backed / 1048576.0, (System.nanoTime() - begin) / 1e6));
        return backed;
    }

    /** The size of a transparent huge page, when the system has them switched on. */
    private static Optional<Long> hugePageSize() {
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
    private static Optional<MethodHandle> madvise() {
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find("madvise").map(address -> linker.downcallHandle(address,
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT),
                Linker.Option.captureCallState("errno")));
    }
}
