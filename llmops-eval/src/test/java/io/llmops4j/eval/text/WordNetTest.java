package io.llmops4j.eval.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.llmops4j.eval.DatasetFormatException;
import io.llmops4j.eval.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordNetTest {
    static final Path WORDNET = Path.of("/usr/share/wordnet");

    /** golden/wordnet_lemmas.tsv: sorted {l.name() for s in wn.synsets(word) for l in s.lemmas()} from NLTK 3.8. */
    @Test
    void lemmaNamesAgreeWithNltk() {
        assumeThat(Files.isRegularFile(WORDNET.resolve("index.noun"))).as("WordNet not installed").isTrue();
        WordNet wn = WordNet.open(WORDNET);
        for (String line : Golden.lines("wordnet_lemmas.tsv")) {
            String[] f = line.split("\t", -1);
            TreeSet<String> expected = new TreeSet<>(f[1].isEmpty() ? java.util.List.of() : Arrays.asList(f[1].split(" ")));
            assertThat(new TreeSet<>(wn.lemmaNames(f[0]))).as(f[0]).isEqualTo(expected);
        }
    }

    @Test
    void malformedFilesNameFileAndLine(@TempDir Path dir) throws IOException {
        for (String pos : new String[] {"noun", "verb", "adj", "adv"}) {
            Files.writeString(dir.resolve("index." + pos), "  1 license header\n");
            Files.writeString(dir.resolve(pos + ".exc"), "");
            Files.writeString(dir.resolve("data." + pos), "");
        }
        Files.writeString(dir.resolve("index.verb"), "  1 header\nrun v x 0 1 0 00001\n");
        assertThatThrownBy(() -> WordNet.open(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("index.verb line 2");
        Files.delete(dir.resolve("index.verb"));
        assertThatThrownBy(() -> WordNet.open(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("WordNet file missing").hasMessageContaining("index.verb");
    }
}
