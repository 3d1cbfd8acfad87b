package io.llmops4j.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.llmops4j.eval.run.Comparison;
import io.llmops4j.eval.run.ExampleResult;
import io.llmops4j.eval.run.Run;
import io.llmops4j.eval.run.RunInfo;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs persisted in a local directory, one folder per run id holding {@code run.json} (the {@link RunInfo}) and
 * {@code examples.jsonl} (one {@link ExampleResult} per line). Runs can be listed, loaded, tagged and compared.
 * Files are written to a temporary name and moved into place.
 */
public final class RunStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final Path root;

    private RunStore(Path root) {
        this.root = root;
    }

    /** Opens (creating if needed) a store directory. */
    public static RunStore open(Path root) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new RunStoreException("cannot create run store directory " + root + ": " + e, e);
        }
        return new RunStore(root);
    }

    /** The store's directory. */
    public Path root() {
        return root;
    }

    /** Saves a run (replacing a run with the same id). */
    public void save(Run run) {
        Path dir = dir(run.id());
        try {
            Files.createDirectories(dir);
            StringBuilder sb = new StringBuilder();
            for (ExampleResult r : run.examples()) {
                sb.append(JSON.writeValueAsString(r)).append('\n');
            }
            write(dir.resolve("examples.jsonl"), sb.toString());
            write(dir.resolve("run.json"), JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(run.info()));
        } catch (IOException e) {
            throw new RunStoreException("cannot save run " + run.id() + " to " + dir + ": " + e, e);
        }
    }

    /** Headers of all runs, oldest first. */
    public List<RunInfo> list() {
        List<RunInfo> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.filter(p -> Files.isRegularFile(p.resolve("run.json"))).toList()) {
                out.add(readInfo(d.resolve("run.json")));
            }
        } catch (IOException e) {
            throw new RunStoreException("cannot list run store " + root + ": " + e, e);
        }
        out.sort(Comparator.comparing(RunInfo::createdAt).thenComparing(RunInfo::id));
        return out;
    }

    /** Loads a run with its examples. */
    public Run load(String id) {
        Path dir = dir(id);
        if (!Files.isRegularFile(dir.resolve("run.json"))) {
            throw new RunStoreException("no run '" + id + "' in " + root);
        }
        RunInfo info = readInfo(dir.resolve("run.json"));
        Path examples = dir.resolve("examples.jsonl");
        List<ExampleResult> results = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(examples, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    results.add(JSON.readValue(line, ExampleResult.class));
                } catch (IOException e) {
                    throw new DatasetFormatException(examples + " line " + lineNo + ": not an example result (" + e.getMessage() + ")", e);
                }
            }
        } catch (IOException e) {
            throw new RunStoreException("cannot read " + examples + ": " + e, e);
        }
        return new Run(info, results);
    }

    /** Adds tags to a stored run; returns the updated header. */
    public RunInfo tag(String id, String... tags) {
        Run run = load(id);
        LinkedHashSet<String> all = new LinkedHashSet<>(run.info().tags());
        all.addAll(List.of(tags));
        RunInfo info = run.info().withTags(new ArrayList<>(all));
        try {
            write(dir(id).resolve("run.json"), JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(info));
        } catch (IOException e) {
            throw new RunStoreException("cannot tag run " + id + ": " + e, e);
        }
        return info;
    }

    /** Compares two stored runs (B minus A) with 1000 paired-bootstrap samples; keeps the 10 largest changes per metric. */
    public Comparison compare(String runA, String runB) {
        return Comparison.of(load(runA), load(runB), 1000, 12345, 10);
    }

    private Path dir(String id) {
        if (id == null || !SAFE_ID.matcher(id).matches()) {
            throw new RunStoreException("invalid run id '" + id + "': expected 1-128 characters from [A-Za-z0-9._-]");
        }
        return root.resolve(id);
    }

    private static RunInfo readInfo(Path file) {
        try {
            return JSON.readValue(file.toFile(), RunInfo.class);
        } catch (IOException e) {
            throw new DatasetFormatException(file + ": not a run header (" + e.getMessage() + ")", e);
        }
    }

    private static void write(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(content);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
