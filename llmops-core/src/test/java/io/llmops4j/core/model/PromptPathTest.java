package io.llmops4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptPathTest {
    @TempDir
    Path tmp;

    @Test
    void theVendorIsReadFromCpuinfo() throws IOException {
        Path intel = Files.writeString(tmp.resolve("intel"), "processor\t: 0\nvendor_id\t: GenuineIntel\n"
                + "cpu family\t: 6\nmodel name\t: Intel(R) Xeon(R) Processor\n\nprocessor\t: 1\n"
                + "vendor_id\t: GenuineIntel\n");
        Path amd = Files.writeString(tmp.resolve("amd"), "processor\t: 0\nvendor_id\t: AuthenticAMD\n");
        Path arm = Files.writeString(tmp.resolve("arm"), "processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\n");
        assertThat(PromptPath.vendor(intel)).contains("GenuineIntel");
        assertThat(PromptPath.vendor(amd)).contains("AuthenticAMD");
        assertThat(PromptPath.vendor(arm)).isEmpty();
        assertThat(PromptPath.vendor(tmp.resolve("missing"))).isEmpty();
    }

    @Test
    void onlyIntelProcessorsSendLongPromptsToPyTorch() {
        assertThat(PromptPath.defaultLimit(Optional.of("GenuineIntel"))).isEqualTo(32);
        assertThat(PromptPath.defaultLimit(Optional.of("AuthenticAMD"))).isEqualTo(Integer.MAX_VALUE);
        assertThat(PromptPath.defaultLimit(Optional.empty())).isEqualTo(Integer.MAX_VALUE);
    }
}
