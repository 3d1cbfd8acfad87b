package io.llmops4j.eval.cli;

import io.llmops4j.eval.Bleu;
import io.llmops4j.eval.BleuOptions;
import io.llmops4j.eval.BleuScore;
import io.llmops4j.eval.BleuTokenizer;
import io.llmops4j.eval.BootstrapAggregator;
import io.llmops4j.eval.Chrf;
import io.llmops4j.eval.ChrfOptions;
import io.llmops4j.eval.ChrfScore;
import io.llmops4j.eval.DatasetFormatException;
import io.llmops4j.eval.EvalException;
import io.llmops4j.eval.InvalidMetricInputException;
import io.llmops4j.eval.Meteor;
import io.llmops4j.eval.Rouge;
import io.llmops4j.eval.RunStore;
import io.llmops4j.eval.Smoothing;
import io.llmops4j.eval.SynonymSource;
import io.llmops4j.eval.report.HtmlReport;
import io.llmops4j.eval.report.Reports;
import io.llmops4j.eval.run.Comparison;
import io.llmops4j.eval.run.Run;
import io.llmops4j.eval.text.PythonText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code llmops-eval}: text metrics and run comparison from the command line.
 *
 * <pre>
 * llmops-eval bleu --hyp sys.txt --ref ref1.txt --ref ref2.txt [--tokenize 13a] [--format text]
 * llmops-eval chrf --hyp sys.txt --ref ref.txt [--word-order 2]
 * llmops-eval rouge --hyp sys.txt --ref ref.txt [--types rouge1,rouge2,rougeL] [--stem]
 * llmops-eval meteor --hyp sys.txt --ref ref.txt [--wordnet /usr/share/wordnet]
 * llmops-eval compare --store runs/ RUN_A RUN_B [--html report.html]
 * </pre>
 *
 * Files hold one segment per line (UTF-8). Exit code 0 on success, 1 on bad input (message on stderr), 2 on a
 * usage error.
 */
@Command(name = "llmops-eval", mixinStandardHelpOptions = true, version = "llmops-eval 0.1.0",
        description = "Reference-exact text metrics (sacreBLEU, rouge-score, NLTK) and evaluation run comparison.",
        subcommands = {EvalCli.BleuCommand.class, EvalCli.ChrfCommand.class, EvalCli.RougeCommand.class,
            EvalCli.MeteorCommand.class, EvalCli.CompareCommand.class})
public final class EvalCli implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured picocli command line (exceptions from llmops4j become exit code 1 with the message). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new EvalCli());
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            if (ex instanceof EvalException) {
                line.getErr().println("llmops-eval: " + ex.getMessage());
                line.getErr().flush();
                return 1;
            }
            throw ex;
        });
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: bleu, chrf, rouge, meteor or compare");
    }

    /** Hypothesis and reference files shared by the metric commands. */
    static class InputFiles {
        @Option(names = {"--hyp", "-i"}, required = true, description = "hypothesis file, one segment per line")
        Path hyp;

        @Option(names = {"--ref", "-r"}, required = true, description = "reference file (repeat for several references)")
        List<Path> refs;

        List<String> hypotheses() {
            return read(hyp);
        }

        List<List<String>> streams() {
            List<List<String>> out = new ArrayList<>();
            for (Path r : refs) {
                out.add(read(r));
            }
            return out;
        }

        static List<String> read(Path file) {
            try {
                return Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new DatasetFormatException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** sacreBLEU-style output: JSON (default) or the one-line text format. */
    static String output(String format, String name, double score, int width, String signature, String verbose) {
        if (format.equals("text")) {
            return name + "|" + signature + " = " + PythonText.fixed(score, width) + (verbose.isEmpty() ? "" : " " + verbose);
        }
        Map<String, String> d = new LinkedHashMap<>();
        d.put("name", quote(name));
        d.put("score", Double.toString(Double.parseDouble(PythonText.fixed(score, width))));
        d.put("signature", quote(signature));
        if (!verbose.isEmpty()) {
            d.put("verbose_score", quote(verbose));
        }
        for (String kv : signature.split("\\|")) {
            int c = kv.indexOf(':');
            d.put(kv.substring(0, c), quote(kv.substring(c + 1)));
        }
        StringBuilder sb = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, String> e : d.entrySet()) {
            sb.append(" \"").append(e.getKey()).append("\": ").append(e.getValue()).append(++i < d.size() ? ",\n" : "\n");
        }
        return sb.append('}').toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static void checkFormat(String format) {
        if (!format.equals("json") && !format.equals("text")) {
            throw new InvalidMetricInputException("--format must be json or text, found '" + format + "'");
        }
    }

    @Command(name = "bleu", mixinStandardHelpOptions = true, description = "Corpus BLEU, sacreBLEU 2.x compatible.")
    static final class BleuCommand implements Callable<Integer> {
        @CommandLine.Mixin
        InputFiles files;

        @Option(names = {"--tokenize", "-tok"}, defaultValue = "13a", description = "13a, intl, char, none (default: ${DEFAULT-VALUE})")
        String tokenize;

        @Option(names = {"--smooth-method", "-s"}, defaultValue = "exp", description = "exp, floor, add-k, none (default: ${DEFAULT-VALUE})")
        String smooth;

        @Option(names = "--smooth-value", description = "value for floor (0.1) or add-k (1)")
        Double smoothValue;

        @Option(names = {"--lowercase", "-lc"}, description = "lowercase first")
        boolean lowercase;

        @Option(names = "--max-ngram-order", defaultValue = "4")
        int order;

        @Option(names = {"--effective-order", "-e"}, description = "leave orders without hypothesis n-grams out (sentence-level style)")
        boolean effective;

        @Option(names = {"--format", "-f"}, defaultValue = "json", description = "json or text (default: ${DEFAULT-VALUE})")
        String format;

        @Option(names = {"--width", "-w"}, defaultValue = "1", description = "decimals of the score (default: ${DEFAULT-VALUE})")
        int width;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            checkFormat(format);
            BleuOptions.Builder b = BleuOptions.builder().tokenize(BleuTokenizer.fromName(tokenize)).smoothing(Smoothing.fromName(smooth))
                    .lowercase(lowercase).maxNgramOrder(order).effectiveOrder(effective);
            if (smoothValue != null) {
                b.smoothValue(smoothValue);
            }
            BleuScore s = Bleu.corpus(files.hypotheses(), files.streams(), b.build());
            PrintWriter out = spec.commandLine().getOut();
            out.println(output(format, "BLEU", s.score(), width, s.signature(), s.verbose()));
            out.flush();
            return 0;
        }
    }

    @Command(name = "chrf", mixinStandardHelpOptions = true, description = "Corpus chrF / chrF++, sacreBLEU 2.x compatible.")
    static final class ChrfCommand implements Callable<Integer> {
        @CommandLine.Mixin
        InputFiles files;

        @Option(names = {"--char-order", "-cc"}, defaultValue = "6")
        int charOrder;

        @Option(names = {"--word-order", "-cw"}, defaultValue = "0", description = "2 for chrF++")
        int wordOrder;

        @Option(names = {"--beta"}, defaultValue = "2")
        int beta;

        @Option(names = {"--lowercase", "-lc"})
        boolean lowercase;

        @Option(names = "--whitespace")
        boolean whitespace;

        @Option(names = "--eps-smoothing")
        boolean eps;

        @Option(names = {"--format", "-f"}, defaultValue = "json")
        String format;

        @Option(names = {"--width", "-w"}, defaultValue = "1")
        int width;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            checkFormat(format);
            ChrfScore s = Chrf.corpus(files.hypotheses(), files.streams(), ChrfOptions.builder().charOrder(charOrder).wordOrder(wordOrder)
                    .beta(beta).lowercase(lowercase).whitespace(whitespace).epsSmoothing(eps).build());
            spec.commandLine().getOut().println(output(format, s.name(), s.score(), width, s.signature(), ""));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "rouge", mixinStandardHelpOptions = true,
            description = "ROUGE (rouge-score 0.1.2): mean over segments with bootstrap low/mid/high, best reference per segment.")
    static final class RougeCommand implements Callable<Integer> {
        @CommandLine.Mixin
        InputFiles files;

        @Option(names = "--types", split = ",", defaultValue = "rouge1,rouge2,rougeL,rougeLsum")
        List<String> types;

        @Option(names = "--stem", description = "Porter stemming (NLTK variant)")
        boolean stem;

        @Option(names = "--seed", defaultValue = "42")
        long seed;

        @Option(names = "--lsum-separator", defaultValue = " <n> ",
                description = "string in a line that separates rougeLsum sentences (default: '${DEFAULT-VALUE}')")
        String separator;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Rouge rouge = Rouge.builder().types(types.toArray(String[]::new)).useStemmer(stem).build();
            List<String> hyps = files.hypotheses();
            List<List<String>> streams = files.streams();
            for (int k = 0; k < streams.size(); k++) {
                if (streams.get(k).size() != hyps.size()) {
                    throw new InvalidMetricInputException("reference file " + files.refs.get(k) + " has " + streams.get(k).size()
                            + " lines but the hypothesis file has " + hyps.size());
                }
            }
            BootstrapAggregator agg = new BootstrapAggregator(seed);
            for (int i = 0; i < hyps.size(); i++) {
                List<String> refs = new ArrayList<>();
                for (List<String> st : streams) {
                    refs.add(st.get(i).replace(separator, "\n"));
                }
                agg.addScores(rouge.scoreMulti(refs, hyps.get(i).replace(separator, "\n")));
            }
            PrintWriter out = spec.commandLine().getOut();
            agg.aggregate().forEach((type, a) -> out.println(type + " " + line("P", a.low().precision(), a.mid().precision(), a.high().precision())
                    + " " + line("R", a.low().recall(), a.mid().recall(), a.high().recall())
                    + " " + line("F", a.low().fmeasure(), a.mid().fmeasure(), a.high().fmeasure())));
            out.flush();
            return 0;
        }

        private static String line(String what, double low, double mid, double high) {
            return String.format(Locale.ROOT, "%s=%.5f [%.5f, %.5f]", what, mid, low, high);
        }
    }

    @Command(name = "meteor", mixinStandardHelpOptions = true, description = "Mean sentence METEOR (NLTK 3.8).")
    static final class MeteorCommand implements Callable<Integer> {
        @CommandLine.Mixin
        InputFiles files;

        @Option(names = "--wordnet", description = "WordNet 3.0 dict directory, e.g. /usr/share/wordnet (default: exact + stem only)")
        Path wordnet;

        @Option(names = "--alpha", defaultValue = "0.9")
        double alpha;

        @Option(names = "--beta", defaultValue = "3.0")
        double beta;

        @Option(names = "--gamma", defaultValue = "0.5")
        double gamma;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Meteor m = Meteor.builder().alpha(alpha).beta(beta).gamma(gamma)
                    .synonyms(wordnet == null ? SynonymSource.none() : SynonymSource.wordNet(wordnet)).build();
            List<String> hyps = files.hypotheses();
            List<List<String>> streams = files.streams();
            double sum = 0;
            for (int i = 0; i < hyps.size(); i++) {
                List<String> refs = new ArrayList<>();
                for (int k = 0; k < streams.size(); k++) {
                    if (streams.get(k).size() != hyps.size()) {
                        throw new InvalidMetricInputException("reference file " + files.refs.get(k) + " has " + streams.get(k).size()
                                + " lines but the hypothesis file has " + hyps.size());
                    }
                    refs.add(streams.get(k).get(i));
                }
                sum += m.score(refs, hyps.get(i));
            }
            spec.commandLine().getOut().println(String.format(Locale.ROOT, "METEOR|nrefs:%d|synonyms:%s = %.4f", streams.size(),
                    wordnet == null ? "none" : "wordnet", hyps.isEmpty() ? 0.0 : sum / hyps.size()));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Compare two stored runs (B minus A) with paired bootstrap; print Markdown, optionally write HTML/CSV.")
    static final class CompareCommand implements Callable<Integer> {
        @Option(names = "--store", required = true, description = "run store directory")
        Path store;

        @Parameters(index = "0", paramLabel = "RUN_A", description = "baseline run id")
        String runA;

        @Parameters(index = "1", paramLabel = "RUN_B", description = "candidate run id")
        String runB;

        @Option(names = "--html", description = "write a self-contained HTML report here")
        Path html;

        @Option(names = "--csv", description = "write the CSV summary here")
        Path csv;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            RunStore rs = RunStore.open(store);
            Run a = rs.load(runA);
            Run b = rs.load(runB);
            Comparison c = rs.compare(runA, runB);
            PrintWriter out = spec.commandLine().getOut();
            out.print(Reports.markdown(List.of(a.info(), b.info())));
            out.println();
            out.print(Reports.markdown(c));
            out.flush();
            if (html != null) {
                Files.writeString(html, HtmlReport.render("Evaluation: " + a.info().name() + " vs " + b.info().name(), List.of(a, b)));
            }
            if (csv != null) {
                Files.writeString(csv, Reports.csv(List.of(a.info(), b.info())));
            }
            return 0;
        }
    }
}
