package io.llmops4j.eval;

import io.llmops4j.eval.text.WordNet;
import java.nio.file.Path;
import java.util.Set;

/**
 * Where {@link Meteor}'s synonym stage looks words up. {@link #none()} (the default) disables the stage, so
 * METEOR uses exact and Porter-stem matches only; {@link #wordNet(Path)} reads a WordNet 3.0 database, which is
 * what NLTK's {@code meteor_score} uses.
 */
@FunctionalInterface
public interface SynonymSource {

    /**
     * The lemma names of every synset of {@code word}, over all parts of speech, with WordNet's morphological
     * base-form search (NLTK's {@code wordnet.synsets(word)}); names keep their case and may contain {@code _}.
     */
    Set<String> lemmaNames(String word);

    /** No synonyms: METEOR with exact and stem matching only. */
    static SynonymSource none() {
        return NoSynonyms.INSTANCE;
    }

    /**
     * WordNet 3.0 read from a database directory in the layout of Debian's {@code wordnet-base} package
     * ({@code /usr/share/wordnet}: {@code index.*}, {@code data.*}, {@code *.exc}).
     *
     * @throws DatasetFormatException if a file is missing or malformed (the message names file and line)
     */
    static SynonymSource wordNet(Path directory) {
        return WordNet.open(directory);
    }

    /** The "no synonyms" source; {@link Meteor} skips the synonym stage for it. */
    enum NoSynonyms implements SynonymSource {
        INSTANCE;

        @Override
        public Set<String> lemmaNames(String word) {
            return Set.of();
        }
    }
}
