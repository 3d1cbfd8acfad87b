package io.llmops4j.rag.cli;

import io.llmops4j.core.Embedder;
import io.llmops4j.core.InvalidRequestException;
import io.llmops4j.core.LlmOpsException;
import io.llmops4j.rag.Document;
import io.llmops4j.rag.Filter;
import io.llmops4j.rag.IndexException;
import io.llmops4j.rag.IndexVersion;
import io.llmops4j.rag.IngestException;
import io.llmops4j.rag.RagConfigException;
import io.llmops4j.rag.SearchHit;
import io.llmops4j.rag.SearchRequest;
import io.llmops4j.rag.VectorIndex;
import io.llmops4j.rag.ingest.IngestReport;
import io.llmops4j.rag.ingest.Ingestor;
import io.llmops4j.rag.ingest.ProgressBarListener;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code llmops-rag}: build, search, list and roll back a persistent index from the command line, with the default
 * embedder ({@link Embedder#defaultModel()}).
 *
 * <pre>
 * llmops-rag ingest --index kb-index [--include GLOB]... [--exclude GLOB]... [--max-tokens 128] [--overlap 16]
 *                   [--remove-deleted] docs/
 * llmops-rag search --index kb-index [--mode hybrid] [--top-k 5] [--filter KEY=VALUE]... how do I rotate keys
 * llmops-rag versions --index kb-index
 * llmops-rag rollback --index kb-index 3
 * </pre>
 *
 * {@code ingest} draws a progress bar (bytes, files, chunks embedded, chunks/s, ETA) on standard error and prints
 * its summary on standard output. Exit codes: 0 success; 1 the command failed (one-line message on standard error:
 * no index, unknown version, unreadable source, embedder mismatch, ...); 2 usage error (unknown option, bad
 * {@code --mode}, malformed {@code --filter}); 3 {@code ingest} committed, but some files or records were reported
 * as problems and not indexed.
 */
@Command(name = "llmops-rag", mixinStandardHelpOptions = true, version = "llmops-rag 0.1.0",
        description = "Ingest documents into a versioned hybrid (HNSW + BM25) index, search it, list and roll back "
            + "versions.",
        subcommands = {RagCli.IngestCommand.class, RagCli.SearchCommand.class, RagCli.VersionsCommand.class,
            RagCli.RollbackCommand.class})
public final class RagCli implements Runnable {
    /** Exit code of a failed command. */
    static final int FAILED = 1;
    /** Exit code of a usage error. */
    static final int USAGE = 2;
    /** Exit code of an ingestion that committed but reported problems. */
    static final int PROBLEMS_REPORTED = 3;

    private static final String NAME = "llmops-rag";
    /** Environment variable that makes unexpected errors print their stack trace. */
    static final String DEBUG_ENV = "LLMOPS_DEBUG";
    private static final int SNIPPET_CHARS = 200;

    private final Supplier<Embedder> embedders;
    private final Supplier<ProgressBarListener> progressBars;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private RagCli(Supplier<Embedder> embedders, Supplier<ProgressBarListener> progressBars) {
        this.embedders = embedders;
        this.progressBars = progressBars;
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line on the console, with the default embedder. */
    public static CommandLine commandLine() {
        return configure(new CommandLine(new RagCli(Embedder::defaultModel,
                () -> new ProgressBarListener("Ingesting"))));
    }

    /** A command line on {@code out} and {@code err} (progress bar included), embedding with {@code embedders}. */
    static CommandLine commandLine(Supplier<Embedder> embedders, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new RagCli(embedders, () -> new ProgressBarListener("Ingesting", err)));
        cl.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        return configure(cl);
    }

    /**
     * One-line messages instead of usage dumps and stack traces; modes in any case. Settings out of their range
     * (the library's config exceptions) are usage errors like unparsable ones; any other exception is reported in
     * one line too, with its stack trace only when the environment sets {@value #DEBUG_ENV}.
     */
    private static CommandLine configure(CommandLine cl) {
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> usageError(ex.getCommandLine(), ex.getMessage()));
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            if (ex instanceof RagConfigException || ex instanceof InvalidRequestException) {
                return usageError(line, ex.getMessage());
            }
            if (ex instanceof LlmOpsException) {
                line.getErr().println(NAME + ": " + ex.getMessage());
            } else {
                boolean debug = "1".equals(System.getenv(DEBUG_ENV)) || "true".equalsIgnoreCase(System.getenv(DEBUG_ENV));
                line.getErr().println(NAME + ": unexpected " + ex.getClass().getSimpleName() + ": " + ex.getMessage()
                        + (debug ? "" : " (set " + DEBUG_ENV + "=1 for the stack trace)"));
                if (debug) {
                    ex.printStackTrace(line.getErr());
                }
            }
            line.getErr().flush();
            return FAILED;
        });
        return cl;
    }

    private static int usageError(CommandLine failed, String message) {
        failed.getErr().println(NAME + ": " + message + " (see '" + failed.getCommandSpec().qualifiedName()
                + " --help')");
        failed.getErr().flush();
        return USAGE;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required: ingest, search, versions or rollback");
    }

    /** A subcommand on the index in {@code --index DIR}. */
    abstract static class IndexCommand implements Callable<Integer> {
        @ParentCommand
        RagCli cli;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--index", required = true, paramLabel = "DIR", description = "index directory")
        Path dir;

        /**
         * Runs {@code action} on the existing index. Checks first, before the embedder is loaded, that there is one:
         * opening would create it.
         */
        <T> T onExistingIndex(Function<VectorIndex, T> action) {
            if (!Files.isDirectory(dir)) {
                throw new IndexException("no index at " + dir + ": no such directory");
            }
            try (FSDirectory d = FSDirectory.open(dir)) {
                if (!DirectoryReader.indexExists(d)) {
                    throw new IndexException("no index at " + dir + ": the directory holds no committed index");
                }
            } catch (IOException e) {
                throw new IndexException("cannot read " + dir + ": " + e.getMessage(), e);
            }
            try (Embedder embedder = cli.embedders.get(); VectorIndex index = VectorIndex.open(dir, embedder)) {
                return action.apply(index);
            }
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = {"Load, chunk, embed and index the files under SOURCE (a directory or one file), then "
                + "commit a new version. Unchanged files are skipped; changed files replace their chunks.",
                "The index directory is created when absent. Exit code 3 when some files or records were reported "
                + "and not indexed."})
    static final class IngestCommand extends IndexCommand {
        @Option(names = "--include", paramLabel = "GLOB",
                description = "only files whose path relative to SOURCE matches (repeatable; default all)")
        List<String> includes = new ArrayList<>();

        @Option(names = "--exclude", paramLabel = "GLOB",
                description = "skip files whose relative path matches (repeatable)")
        List<String> excludes = new ArrayList<>();

        @Option(names = "--max-tokens", paramLabel = "N",
                description = "tokens per chunk, counted with the embedder's tokenizer (default 128)")
        Integer maxTokens;

        @Option(names = "--overlap", paramLabel = "N",
                description = "tokens repeated between consecutive chunks (default 16)")
        Integer overlap;

        @Option(names = "--remove-deleted", description = "remove the chunks of files no longer under SOURCE")
        boolean removeDeleted;

        @Parameters(index = "0", paramLabel = "SOURCE", description = "directory (or file) to ingest")
        Path source;

        @Override
        public Integer call() {
            if (!Files.exists(source)) {
                throw new IngestException(source + ": no such file or directory");
            }
            Ingestor.Builder b = Ingestor.builder().include(includes.toArray(String[]::new))
                    .exclude(excludes.toArray(String[]::new)).removeDeleted(removeDeleted);
            if (maxTokens != null) {
                b.maxTokens(maxTokens);
            }
            if (overlap != null) {
                b.overlapTokens(overlap);
            }
            b.validate(); // before an index directory is created for a run that cannot start
            CountDownLatch finished = new CountDownLatch(1);
            try {
                IngestReport r;
                try (Embedder embedder = cli.embedders.get();
                     VectorIndex idx = VectorIndex.open(dir, embedder);
                     ProgressBarListener bar = cli.progressBars.get()) {
                    Ingestor ingestor = b.index(idx).listener(bar).build();
                    // Ctrl-C / SIGTERM: stop after the current batch, commit what is done, report it, then exit
                    Thread onSignal = new Thread(() -> {
                        ingestor.cancel();
                        awaitQuietly(finished);
                    }, "llmops-rag-ingest-cancel");
                    Runtime.getRuntime().addShutdownHook(onSignal);
                    try {
                        r = ingestor.ingest(source);
                    } finally {
                        removeQuietly(onSignal);
                    }
                }
                return report(r);
            } finally {
                finished.countDown();
            }
        }

        private int report(IngestReport r) {
            PrintWriter out = out();
            out.printf(Locale.ROOT, "files: %d seen, %d indexed, %d unchanged, %d removed%n", r.filesSeen(),
                    r.filesIndexed(), r.filesUnchanged(), r.filesRemoved());
            out.printf(Locale.ROOT, "chunks: %d embedded in %.1f s (%.1f chunks/s)%n", r.chunksIndexed(),
                    r.elapsed().toNanos() / 1e9, r.chunksPerSecond());
            if (!r.problems().isEmpty()) {
                out.printf("problems (%d, not indexed):%n", r.problems().size());
                Path root = source.toAbsolutePath().normalize();
                for (IngestReport.Problem p : r.problems()) {
                    Path file = p.file().toAbsolutePath().normalize();
                    String prefix = p.file() + ": ";
                    String reason = p.reason().startsWith(prefix) ? p.reason().substring(prefix.length()) : p.reason();
                    Path shown = file.startsWith(root) && !file.equals(root) ? root.relativize(file) : file;
                    out.println("  " + shown + ": " + reason);
                }
            }
            if (r.cancelled()) {
                out.println("cancelled: the files done so far are committed");
            }
            out.println("committed " + describe(r.version()));
            out.flush();
            return r.problems().isEmpty() ? 0 : PROBLEMS_REPORTED;
        }

        private static void awaitQuietly(CountDownLatch latch) {
            try {
                latch.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void removeQuietly(Thread hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting because of a signal; the hook is already running
            }
        }
    }

    @Command(name = "search", mixinStandardHelpOptions = true, description = "Print the best chunks for QUERY, ranked.")
    static final class SearchCommand extends IndexCommand {
        @Option(names = "--mode", defaultValue = "hybrid",
                description = "vector, keyword or hybrid (reciprocal rank fusion of both; default: ${DEFAULT-VALUE})")
        SearchRequest.Mode mode;

        @Option(names = "--top-k", defaultValue = "5", paramLabel = "N",
                description = "hits to print (default: ${DEFAULT-VALUE})")
        int topK;

        @Option(names = "--filter", paramLabel = "KEY=VALUE",
                description = "only chunks whose metadata KEY (source, title, page, documentId, ...) equals VALUE; "
                    + "repeat a key for any of several values, different keys must all hold")
        List<String> filters = new ArrayList<>();

        @Parameters(arity = "1..*", paramLabel = "QUERY",
                description = "query text (several words are joined by spaces)")
        List<String> query;

        @Override
        public Integer call() {
            SearchRequest.Builder request = SearchRequest.builder().text(String.join(" ", query)).mode(mode).topK(topK);
            if (!filters.isEmpty()) {
                request.filter(filter());
            }
            SearchRequest built = request.build();
            List<SearchHit> hits = onExistingIndex(idx -> idx.search(built));
            PrintWriter out = out();
            if (hits.isEmpty()) {
                out.println("no hits");
            }
            for (int i = 0; i < hits.size(); i++) {
                SearchHit h = hits.get(i);
                out.printf(Locale.ROOT, "%d. %.4f  %s%n", i + 1, h.score(), h.id());
                StringJoiner where = new StringJoiner(" | ");
                Map<String, String> m = h.metadata();
                for (Map.Entry<String, String> key : List.of(Map.entry(Document.SOURCE, "source"),
                        Map.entry(Document.TITLE, "title"), Map.entry(Document.PAGE, "page"),
                        Map.entry(SearchHit.HEADING_PATH, "heading"))) {
                    String v = m.get(key.getKey());
                    if (v != null && !v.isBlank()) {
                        where.add(key.getValue() + ": " + v);
                    }
                }
                if (where.length() > 0) {
                    out.println("   " + where);
                }
                out.println("   " + snippet(h.text()));
            }
            out.flush();
            return 0;
        }

        /** Equality per key, any of the values of a repeated key, all keys together. */
        private Filter filter() {
            Map<String, List<String>> byKey = new LinkedHashMap<>();
            for (String f : filters) {
                int eq = f.indexOf('=');
                if (eq <= 0) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--filter expects KEY=VALUE, got '" + f + "'");
                }
                byKey.computeIfAbsent(f.substring(0, eq), k -> new ArrayList<>()).add(f.substring(eq + 1));
            }
            List<Filter> parts = new ArrayList<>();
            byKey.forEach((k, vs) -> parts.add(vs.size() == 1 ? Filter.eq(k, vs.getFirst())
                    : Filter.anyOf(k, vs.toArray(String[]::new))));
            return parts.size() == 1 ? parts.getFirst() : Filter.and(parts.toArray(Filter[]::new));
        }
    }

    @Command(name = "versions", mixinStandardHelpOptions = true,
            description = "List the retained versions, oldest first: id, commit time, embedder, dimension, notes.")
    static final class VersionsCommand extends IndexCommand {
        @Override
        public Integer call() {
            List<IndexVersion> versions = onExistingIndex(VectorIndex::versions);
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"VERSION", "TIME", "EMBEDDER", "DIM", "NOTES"});
            for (IndexVersion v : versions) {
                StringJoiner notes = new StringJoiner("; ");
                v.notes().forEach((k, n) -> notes.add(k + "=" + n));
                rows.add(new String[] {v.id(), v.time().truncatedTo(ChronoUnit.SECONDS).toString(), v.embedderId(),
                    Integer.toString(v.dimension()), notes.toString()});
            }
            int[] width = new int[4];
            for (String[] row : rows) {
                for (int c = 0; c < width.length; c++) {
                    width[c] = Math.max(width[c], row[c].length());
                }
            }
            PrintWriter out = out();
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int c = 0; c < width.length; c++) {
                    line.append(row[c]).append(" ".repeat(width[c] - row[c].length() + 2));
                }
                out.println(line.append(row[4]).toString().stripTrailing());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Restore the contents of a retained version as a new version (later versions stay retained).")
    static final class RollbackCommand extends IndexCommand {
        @Parameters(index = "0", paramLabel = "VERSION_ID", description = "version to restore (see 'versions')")
        String version;

        @Override
        public Integer call() {
            IndexVersion restored = onExistingIndex(idx -> idx.rollback(version));
            out().println("rolled back to version " + version + "; now " + describe(restored));
            out().flush();
            return 0;
        }
    }

    private static String describe(IndexVersion v) {
        return "version " + v.id() + " (embedder " + v.embedderId() + ", dimension " + v.dimension() + ")";
    }

    /** The text on one line, cut at a word boundary after at most {@value #SNIPPET_CHARS} characters. */
    private static String snippet(String text) {
        String flat = text.strip().replaceAll("\\s+", " ");
        if (flat.length() <= SNIPPET_CHARS) {
            return flat;
        }
        int cut = flat.lastIndexOf(' ', SNIPPET_CHARS);
        return flat.substring(0, cut > 0 ? cut : SNIPPET_CHARS) + " ...";
    }
}
