package io.llmops4j.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The README's main job, {@code bin/demo} with no arguments, run in process: its exit code, and what its printed
 * numbers must satisfy whatever the code computing them does: a cosine matrix of unit vectors has ones on the
 * diagonal and is symmetric; paraphrases are closer than unrelated sentences; semantic search puts the fact that
 * answers each question first; a model's perplexity on its own greedy story is near 1 (a broken model or loss would
 * be near the vocabulary size).
 */
class DemoTest {
    private static final Pattern MATRIX_ROW = Pattern.compile("^\\s+\\[(\\d)]((?:\\s+-?\\d\\.\\d{3})+)\\s*$");
    private static final Pattern RECALL = Pattern.compile("recall@1 (\\d\\.\\d{2})");
    private static final Pattern PERPLEXITY = Pattern.compile("perplexity of the model on its own story: (\\S+) over (\\d+) tokens");

    @Test
    void theDefaultDemoRunsEndToEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = new CommandLine(new Demo(new PrintStream(bytes, true, StandardCharsets.UTF_8))).execute();
        String output = bytes.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(output).isZero();

        List<double[]> rows = new ArrayList<>();
        for (String line : output.lines().toList()) {
            Matcher m = MATRIX_ROW.matcher(line);
            if (m.matches()) {
                rows.add(Arrays.stream(m.group(2).trim().split("\\s+")).mapToDouble(Double::parseDouble).toArray());
            }
        }
        int n = Demo.SENTENCES.size();
        assertThat(rows).as(output).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(rows.get(i)).hasSize(n);
            assertThat(rows.get(i)[i]).isCloseTo(1.0, within(0.0015));
            for (int j = 0; j < n; j++) {
                assertThat(rows.get(i)[j]).isCloseTo(rows.get(j)[i], within(0.0015));
            }
        }
        // sentences 0/1 (guitar) and 2/3 (falling share prices) are paraphrases; 4 (a cat) relates to neither
        for (int[] pair : new int[][] {{0, 1}, {2, 3}}) {
            double paraphrase = rows.get(pair[0])[pair[1]];
            for (int other = 0; other < n; other++) {
                if (other != pair[0] && other != pair[1]) {
                    assertThat(paraphrase).isGreaterThan(rows.get(pair[0])[other]).isGreaterThan(rows.get(pair[1])[other]);
                }
            }
        }

        Matcher recall = RECALL.matcher(output);
        assertThat(recall.find()).as(output).isTrue(); // the first block is VECTOR search
        assertThat(output).contains("VECTOR:");
        assertThat(output.indexOf("VECTOR:")).isLessThan(recall.start());
        assertThat(Double.parseDouble(recall.group(1))).isEqualTo(1.0);

        Matcher ppl = PERPLEXITY.matcher(output);
        String shared = System.getProperty("llmops.shared.dir");
        if (shared != null && Files.isRegularFile(Path.of(shared, "models", "stories260K", "config.json"))) {
            assertThat(ppl.find()).as(output).isTrue();
            assertThat(Double.parseDouble(ppl.group(1))).isBetween(1.0, 3.0);
            assertThat(Integer.parseInt(ppl.group(2))).isGreaterThan(20);
        } else {
            assertThat(output).contains("skipped: ../shared/models/stories260K not found");
        }
    }
}
