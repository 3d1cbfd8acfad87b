package io.llmops4j.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmops4j.core.testing.TinyCheckpoints.Variant;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReferenceModel} against golden logits from a second, independent implementation on PyTorch
 * ({@code torch_reference.py} in the test resources, run with Debian's python3-torch 1.13 in float64) over
 * the very same checkpoint files: the SHA-256 of each checkpoint directory is recorded in the golden file
 * and checked here, so a change to {@link TinyCheckpoints} cannot silently pair new weights with old logits.
 */
class TorchGoldenTest {

    private static JsonNode golden;

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadGolden() throws IOException {
        try (InputStream in = TorchGoldenTest.class.getResourceAsStream("torch_reference_logits.json")) {
            golden = new ObjectMapper().readTree(in);
        }
    }

    /**
     * Every variant that has committed golden logits. QWEN3 has none: no torch is available here to run
     * torch_reference.py on it, and the goldens are not regenerated; its reference is checked by
     * {@code ReferenceModelTest} instead (q/k norm scale invariance, head_dim) and the runtime against it.
     */
    @ParameterizedTest
    @EnumSource(value = Variant.class, mode = EnumSource.Mode.EXCLUDE, names = {"QWEN3"})
    void referenceModelMatchesTorch(Variant v) throws IOException {
        TinyCheckpoint c = TinyCheckpoints.write(tmp.resolve(v.name()), v, TinyCheckpoints.GOLDEN_SEED);
        JsonNode g = golden.at("/variants/" + v.name());
        assertThat(g.isMissingNode()).as("golden has " + v + "; regenerate with torch_reference.py").isFalse();
        assertThat(digest(c.dir())).as(v + " checkpoint bytes differ from those behind the golden logits; "
                + "regenerate with torch_reference.py").isEqualTo(g.get("sha256").asText());

        JsonNode tokenNode = golden.get("tokens");
        int[] tokens = new int[tokenNode.size()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = tokenNode.get(i).asInt();
        }
        double[][] ours = ReferenceModel.logits(c, tokens);
        JsonNode theirs = g.get("logits");
        assertThat(ours.length).isEqualTo(theirs.size());
        double maxDiff = 0;
        for (int t = 0; t < ours.length; t++) {
            assertThat(ours[t].length).isEqualTo(theirs.get(t).size());
            for (int i = 0; i < ours[t].length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(ours[t][i] - theirs.get(t).get(i).asDouble()));
            }
        }
        // golden values are printed with 10 significant digits; logits are below 20 in magnitude
        assertThat(maxDiff).as(v + " max |reference - torch|").isLessThan(1e-8);
    }

    /** SHA-256 over the sorted file names and contents of {@code dir}, as torch_reference.py computes it. */
    private static String digest(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> sorted = files.sorted().toList();
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Path f : sorted) {
                md.update(f.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
