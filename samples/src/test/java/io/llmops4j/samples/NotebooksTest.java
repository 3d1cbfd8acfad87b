package io.llmops4j.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs every JShell notebook in {@code samples/notebooks} snippet by snippet, as {@code jshell} would, and fails on
 * the first snippet that does not compile or throws (the notebooks check their own results with AssertionErrors).
 */
class NotebooksTest {
    static final Path NOTEBOOKS = Path.of("notebooks");

    @ParameterizedTest
    @ValueSource(strings = {"01-search.jsh", "02-metrics.jsh", "03-generate.jsh"})
    void notebookRunsCleanly(String name) throws Exception {
        if (name.startsWith("03")) {
            String shared = System.getProperty("llmops.shared.dir");
            assumeThat(shared != null && Files.isDirectory(Path.of(shared, "models", "stories260K")))
                    .as("stories260K not available").isTrue();
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream printed = new PrintStream(output, true, StandardCharsets.UTF_8);
        try (JShell shell = JShell.builder().executionEngine("local").out(printed).err(printed).build()) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                shell.addToClasspath(entry);
            }
            for (String source : snippets(shell, Files.readString(NOTEBOOKS.resolve(name)))) {
                for (SnippetEvent e : shell.eval(source)) {
                    String where = name + ": " + source.strip() + "\noutput so far:\n" + output.toString(StandardCharsets.UTF_8);
                    assertThat(e.status()).as("status of %s; diagnostics %s", where,
                            shell.diagnostics(e.snippet()).map(d -> d.getMessage(null)).toList())
                            .isNotEqualTo(Snippet.Status.REJECTED);
                    assertThat(e.exception()).as("exception in %s", where).isNull();
                }
            }
        }
    }

    /**
     * Splits a notebook into snippets as the jshell tool reads a file: line by line, evaluating as soon as the lines
     * read so far form a complete snippet (so a line that continues the previous one with a leading {@code .} is a
     * separate, broken snippet here too).
     */
    private static List<String> snippets(JShell shell, String text) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        List<String> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            pending.append(line).append('\n');
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(pending.toString());
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                pending.setLength(0);
            } else if (info.completeness().isComplete() && info.remaining().isBlank()) {
                out.add(pending.toString());
                pending.setLength(0);
            }
        }
        if (!pending.toString().isBlank()) {
            out.add(pending.toString());
        }
        return out;
    }
}
