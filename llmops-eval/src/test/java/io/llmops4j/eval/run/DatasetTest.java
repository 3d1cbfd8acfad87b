package io.llmops4j.eval.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmops4j.eval.DatasetFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {

    @Test
    void readsAllFieldsAndHashesTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("qa.jsonl");
        String text = """
                {"id": "q1", "input": "2+2?", "reference": "4", "difficulty": 1}

                {"input": "capital of France?", "references": ["Paris", "paris"], "context": "France's capital is Paris."}
                """;
        Files.writeString(f, text);
        Dataset d = Dataset.readJsonl(f);
        assertThat(d.examples()).hasSize(2);
        assertThat(d.examples().get(0)).isEqualTo(new Example("q1", "2+2?", List.of("4"), null, Map.of("difficulty", 1)));
        assertThat(d.examples().get(1).id()).isEqualTo("3"); // line number
        assertThat(d.examples().get(1).references()).containsExactly("Paris", "paris");
        assertThat(d.examples().get(1).context()).isEqualTo("France's capital is Paris.");
        // sha256 of the file bytes, computed independently with the JDK's digest
        assertThat(d.sha256()).isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    @Test
    void badLinesNameFileAndLine(@TempDir Path dir) throws IOException {
        Object[][] cases = {
            {"{\"input\": \"a\"}\n{\"input\": 3}\n", "line 2: field 'input' must be a string, found NUMBER"},
            {"{\"input\": \"a\"\n", "line 1: invalid JSON"},
            {"[1]\n", "line 1: expected a JSON object, found ARRAY"},
            {"{\"input\": \"a\", \"references\": \"x\"}\n", "line 1: field 'references' must be an array of strings"},
            {"{\"input\": \"a\", \"references\": [\"x\", 2]}\n", "line 1: references[1] must be a string"},
            {"{\"input\": \"a\", \"reference\": \"x\", \"references\": [\"y\"]}\n", "line 1: give either 'reference' or 'references'"},
            {"{\"id\": 1, \"input\": \"a\"}\n{\"id\": \"1\", \"input\": \"b\"}\n", "line 2: duplicate id '1'"},
            {"\n\n", "no examples"},
        };
        for (Object[] c : cases) {
            Path f = dir.resolve("bad.jsonl");
            Files.writeString(f, (String) c[0]);
            assertThatThrownBy(() -> Dataset.readJsonl(f)).isInstanceOf(DatasetFormatException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining((String) c[1]);
        }
        assertThatThrownBy(() -> Dataset.readJsonl(dir.resolve("missing.jsonl"))).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("missing.jsonl");
    }
}
