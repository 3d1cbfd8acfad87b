package io.llmops4j.eval.text;

import io.llmops4j.eval.DatasetFormatException;
import io.llmops4j.eval.SynonymSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A read-only WordNet 3.0 database in the Princeton file layout (Debian {@code wordnet-base}), answering the
 * one question METEOR asks: the lemma names of all synsets of a word, found the way NLTK's
 * {@code WordNetCorpusReader.synsets(word)} finds them (for each of noun, verb, adjective, adverb: exception
 * list, else morphological substitutions applied until a form in the index is found).
 *
 * <p>Everything is read into the heap at {@link #open} (about 30 MB; no file stays open, so there is nothing
 * to close); synset lines are parsed on demand and cached. Thread-safe.
 */
public final class WordNet implements SynonymSource {
    private static final String[] POS = {"n", "v", "a", "r"};
    private static final String[] FILE_SUFFIX = {"noun", "verb", "adj", "adv"};
    private static final String[][][] SUBSTITUTIONS = {
        {{"s", ""}, {"ses", "s"}, {"ves", "f"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"},
            {"men", "man"}, {"ies", "y"}},
        {{"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""}},
        {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}},
        {},
    };

    private final Path directory;
    /** lemma -> offsets per POS index (null when the lemma lacks that POS). */
    private final Map<String, int[][]> index;
    private final List<Map<String, List<String>>> exceptions;
    private final byte[][] data;
    private final Map<Long, List<String>> synsetCache = new ConcurrentHashMap<>();

    private WordNet(Path directory, Map<String, int[][]> index, List<Map<String, List<String>>> exceptions,
                    byte[][] data) {
        this.directory = directory;
        this.index = index;
        this.exceptions = exceptions;
        this.data = data;
    }

    /**
     * Opens a database directory.
     *
     * @throws DatasetFormatException when a file is missing or a line is malformed
     */
    public static WordNet open(Path directory) {
        if (directory == null || !Files.isDirectory(directory)) {
            throw new DatasetFormatException("WordNet directory not found: " + directory
                    + " (expected a WordNet 3.0 dict directory such as /usr/share/wordnet)");
        }
        Map<String, int[][]> index = new HashMap<>(200_000);
        List<Map<String, List<String>>> exceptions = new ArrayList<>();
        byte[][] data = new byte[POS.length][];
        for (int p = 0; p < POS.length; p++) {
            Path indexFile = directory.resolve("index." + FILE_SUFFIX[p]);
            List<String> lines = readLines(indexFile);
            for (int ln = 0; ln < lines.size(); ln++) {
                String line = lines.get(ln);
                if (line.startsWith(" ") || line.isEmpty()) {
                    continue;
                }
                parseIndexLine(indexFile, ln + 1, line, p, index);
            }
            Path excFile = directory.resolve(FILE_SUFFIX[p] + ".exc");
            Map<String, List<String>> exc = new HashMap<>();
            for (String line : readLines(excFile)) {
                List<String> terms = PythonText.split(line);
                if (!terms.isEmpty()) {
                    exc.put(terms.get(0), List.copyOf(terms.subList(1, terms.size())));
                }
            }
            exceptions.add(exc);
            Path dataFile = directory.resolve("data." + FILE_SUFFIX[p]);
            try {
                data[p] = Files.readAllBytes(dataFile);
            } catch (NoSuchFileException e) {
                throw new DatasetFormatException("WordNet file missing: " + dataFile, e);
            } catch (IOException e) {
                throw new DatasetFormatException("cannot read WordNet data file " + dataFile + ": " + e, e);
            }
        }
        return new WordNet(directory, index, exceptions, data);
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException("WordNet file missing: " + file, e);
        } catch (IOException e) {
            throw new DatasetFormatException("cannot read WordNet file " + file + ": " + e, e);
        }
    }

    private static void parseIndexLine(Path file, int lineNo, String line, int p, Map<String, int[][]> index) {
        List<String> f = PythonText.split(line);
        try {
            String lemma = f.get(0);
            int nSynsets = Integer.parseInt(f.get(2));
            int nPointers = Integer.parseInt(f.get(3));
            int pos = 4 + nPointers;
            int nSenses = Integer.parseInt(f.get(pos));
            if (nSynsets <= 0 || nSenses != nSynsets) {
                throw new DatasetFormatException("WordNet " + file + " line " + lineNo + ": synset count " + nSynsets
                        + " and sense count " + nSenses + " must be equal and positive");
            }
            int[] offsets = new int[nSynsets];
            for (int i = 0; i < nSynsets; i++) {
                offsets[i] = Integer.parseInt(f.get(pos + 2 + i));
            }
            index.computeIfAbsent(lemma, k -> new int[POS.length][])[p] = offsets;
        } catch (IndexOutOfBoundsException | NumberFormatException e) {
            throw new DatasetFormatException("WordNet " + file + " line " + lineNo + ": malformed index line ("
                    + e.getMessage() + "): " + line, e);
        }
    }

    @Override
    public Set<String> lemmaNames(String word) {
        String lemma = PythonText.lower(word);
        Set<String> names = new LinkedHashSet<>();
        for (int p = 0; p < POS.length; p++) {
            for (String form : morphy(lemma, p)) {
                for (int offset : index.get(form)[p]) {
                    names.addAll(synsetLemmas(p, offset));
                }
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /** NLTK's {@code _morphy(form, pos)}: the base forms of {@code form} present in the index for this POS. */
    List<String> morphy(String form, int p) {
        List<String> exc = exceptions.get(p).get(form);
        if (exc != null) {
            List<String> candidates = new ArrayList<>();
            candidates.add(form);
            candidates.addAll(exc);
            return filter(candidates, p);
        }
        List<String> forms = applyRules(List.of(form), p);
        List<String> first = new ArrayList<>();
        first.add(form);
        first.addAll(forms);
        List<String> results = filter(first, p);
        if (!results.isEmpty()) {
            return results;
        }
        while (!forms.isEmpty()) {
            forms = applyRules(forms, p);
            results = filter(forms, p);
            if (!results.isEmpty()) {
                return results;
            }
        }
        return List.of();
    }

    private static List<String> applyRules(List<String> forms, int p) {
        List<String> out = new ArrayList<>();
        for (String form : forms) {
            for (String[] sub : SUBSTITUTIONS[p]) {
                if (form.endsWith(sub[0])) {
                    out.add(form.substring(0, form.length() - sub[0].length()) + sub[1]);
                }
            }
        }
        return out;
    }

    private List<String> filter(List<String> forms, int p) {
        List<String> result = new ArrayList<>();
        for (String form : forms) {
            int[][] entry = index.get(form);
            if (entry != null && entry[p] != null && !result.contains(form)) {
                result.add(form);
            }
        }
        return result;
    }

    private List<String> synsetLemmas(int p, int offset) {
        return synsetCache.computeIfAbsent(((long) p << 32) | offset, k -> parseSynset(p, offset));
    }

    private List<String> parseSynset(int p, int offset) {
        byte[] buf = data[p];
        Path file = directory.resolve("data." + FILE_SUFFIX[p]);
        if (offset < 0 || offset >= buf.length) {
            throw new DatasetFormatException("WordNet " + file + ": synset offset " + offset + " is outside the file");
        }
        int end = offset;
        while (end < buf.length && buf[end] != '\n') {
            end++;
        }
        String line = new String(buf, offset, end - offset, StandardCharsets.UTF_8);
        int bar = line.indexOf('|');
        List<String> f = PythonText.split(bar >= 0 ? line.substring(0, bar) : line);
        try {
            if (Integer.parseInt(f.get(0)) != offset) {
                throw new DatasetFormatException("WordNet " + file + ": no synset starts at offset " + offset);
            }
            int nLemmas = Integer.parseInt(f.get(3), 16);
            List<String> names = new ArrayList<>(nLemmas);
            for (int i = 0; i < nLemmas; i++) {
                String name = f.get(4 + 2 * i);
                // drop an adjective's syntactic marker such as "(a)", "(p)" or "(ip)"
                int paren = name.indexOf('(');
                if (paren >= 0 && name.endsWith(")")) {
                    name = name.substring(0, paren);
                }
                names.add(name);
            }
            return List.copyOf(names);
        } catch (IndexOutOfBoundsException | NumberFormatException e) {
            throw new DatasetFormatException("WordNet " + file + ": malformed synset line at offset " + offset + ": " + line, e);
        }
    }
}
