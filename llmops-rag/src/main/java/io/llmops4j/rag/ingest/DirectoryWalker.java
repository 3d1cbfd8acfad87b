package io.llmops4j.rag.ingest;

import io.llmops4j.rag.IngestException;
import io.llmops4j.rag.RagConfigException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Lists the regular files under a root, sorted, whose path relative to the root matches one of the include globs
 * and none of the exclude globs ({@link java.nio.file.FileSystem#getPathMatcher} syntax, {@code /} as separator).
 * A pattern starting with {@code **}{@code /} also matches at the root level ({@code **}{@code /*.md} matches
 * {@code a.md}). Symbolic links are not followed.
 */
public final class DirectoryWalker {
    private final List<PathMatcher> includes;
    private final List<PathMatcher> excludes;

    public DirectoryWalker(List<String> includeGlobs, List<String> excludeGlobs) {
        this.includes = matchers(includeGlobs.isEmpty() ? List.of("**") : includeGlobs);
        this.excludes = matchers(excludeGlobs);
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        List<PathMatcher> out = new ArrayList<>();
        for (String g : globs) {
            try {
                out.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
                if (g.startsWith("**/")) {
                    out.add(FileSystems.getDefault().getPathMatcher("glob:" + g.substring(3)));
                }
            } catch (IllegalArgumentException e) {
                throw new RagConfigException("invalid glob '" + g + "': " + e.getMessage());
            }
        }
        return out;
    }

    /** Whether {@code relative} (a path relative to the root) is selected. */
    public boolean selects(Path relative) {
        return includes.stream().anyMatch(m -> m.matches(relative)) && excludes.stream().noneMatch(m -> m.matches(relative));
    }

    /** The selected files under {@code root} (or {@code root} itself when it is a file), sorted. */
    public List<Path> walk(Path root) {
        if (Files.isRegularFile(root)) {
            return List.of(root);
        }
        if (!Files.isDirectory(root)) {
            throw new IngestException(root + ": no such file or directory");
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).filter(p -> selects(root.relativize(p))).sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new IngestException(root + ": cannot list files: " + e.getMessage(), e);
        }
    }
}
