package io.llmops4j.core.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which prompts the fused kernel takes by default: the longest prompt, in tokens, that runs in the kernel rather
 * than as one PyTorch forward pass. The kernel multiplies a few positions at a time with Java vectors; PyTorch's
 * matrix products (MKL on x86) take over once a prompt has enough positions, and where that happens depends on
 * the CPU. Measured with the 110M Llama at 2 threads (docs/BENCHMARKS.md): on an Intel Xeon VM PyTorch matched the
 * kernel at 32 positions and was 1.8x faster at 128 and 2.0x at 256; on AMD EPYC (Zen 5) VMs the kernel was faster
 * at every length up to 1024, as MKL does not take its fastest paths on AMD processors. So prompts of more than
 * {@link #INTEL_LIMIT} tokens go to PyTorch on Intel processors, and every prompt runs in the kernel elsewhere.
 */
final class PromptPath {
    /** The longest prompt the kernel takes on Intel processors. */
    static final int INTEL_LIMIT = 32;
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    private PromptPath() {
    }

    /** The default limit for this machine: {@link #INTEL_LIMIT} on Intel processors, else no limit. */
    static int defaultLimit() {
        return defaultLimit(vendor(CPUINFO));
    }

    /** The default limit for a CPU vendor id ({@code GenuineIntel}, {@code AuthenticAMD}, ...), if known. */
    static int defaultLimit(Optional<String> vendor) {
        return vendor.filter("GenuineIntel"::equals).isPresent() ? INTEL_LIMIT : Integer.MAX_VALUE;
    }

    /** The {@code vendor_id} in a Linux {@code /proc/cpuinfo}, empty where there is none or it cannot be read. */
    static Optional<String> vendor(Path cpuinfo) {
        try (var lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("vendor_id")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).strip());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
