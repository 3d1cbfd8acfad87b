package io.llmops4j.eval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmops4j.eval.Evaluator;
import io.llmops4j.eval.RunStore;
import io.llmops4j.eval.run.Dataset;
import io.llmops4j.eval.run.Example;
import io.llmops4j.eval.run.Metrics;
import io.llmops4j.eval.run.Run;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvalCliTest {
    @TempDir
    Path dir;

    private String[] run(String... args) {
        CommandLine cl = EvalCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    private void readmeFiles() throws IOException {
        // sacreBLEU README example
        Files.write(dir.resolve("hyp.txt"), List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."));
        Files.write(dir.resolve("ref1.txt"), List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first."));
        Files.write(dir.resolve("ref2.txt"), List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."));
    }

    @Test
    void bleuPrintsLikeSacreBleu() throws IOException {
        readmeFiles();
        String[] text = run("bleu", "--hyp", dir.resolve("hyp.txt").toString(), "--ref", dir.resolve("ref1.txt").toString(),
                "--ref", dir.resolve("ref2.txt").toString(), "-f", "text", "-w", "2");
        assertThat(text[0]).isEqualTo("0");
        assertThat(text[1].strip()).isEqualTo("BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 48.53 "
                + "82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)");
        String[] json = run("bleu", "-i", dir.resolve("hyp.txt").toString(), "-r", dir.resolve("ref1.txt").toString(),
                "-r", dir.resolve("ref2.txt").toString());
        assertThat(json[1]).startsWith("{\n \"name\": \"BLEU\",\n \"score\": 48.5,\n \"signature\": \"nrefs:2|")
                .contains(" \"tok\": \"13a\",\n").endsWith("}" + System.lineSeparator());
    }

    @Test
    void chrfRougeMeteor() throws IOException {
        readmeFiles();
        String h = dir.resolve("hyp.txt").toString();
        String r1 = dir.resolve("ref1.txt").toString();
        String r2 = dir.resolve("ref2.txt").toString();
        String[] chrf = run("chrf", "--hyp", h, "--ref", r1, "--ref", r2, "-f", "text", "-w", "2");
        assertThat(chrf[1].strip()).isEqualTo("chrF2|nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0 = 59.73");
        String[] rouge = run("rouge", "--hyp", h, "--ref", h, "--types", "rouge1,rougeL");
        assertThat(rouge[1]).contains("rouge1 P=1.00000 [1.00000, 1.00000]").contains("rougeL ");
        String[] meteor = run("meteor", "--hyp", h, "--ref", h);
        assertThat(meteor[0]).isEqualTo("0");
        assertThat(meteor[1]).startsWith("METEOR|nrefs:1|synonyms:none = 0.9");
    }

    @Test
    void badInputGivesExitCode1WithMessage() throws IOException {
        readmeFiles();
        Files.write(dir.resolve("short.txt"), List.of("only one line"));
        String[] r = run("bleu", "--hyp", dir.resolve("hyp.txt").toString(), "--ref", dir.resolve("short.txt").toString());
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).contains("reference stream 0 has 1 segments but there are 3 hypotheses");
        String[] missing = run("bleu", "--hyp", dir.resolve("nope.txt").toString(), "--ref", dir.resolve("short.txt").toString());
        assertThat(missing[0]).isEqualTo("1");
        assertThat(missing[2]).contains("nope.txt");
        assertThat(run("bleu", "--hyp", "x")[0]).isEqualTo("2"); // usage error: --ref missing
        assertThat(run("bleu", "--hyp", dir.resolve("hyp.txt").toString(), "--ref", dir.resolve("hyp.txt").toString(), "-tok", "zh")[2])
                .contains("unknown BLEU tokenizer 'zh'");
    }

    @Test
    void compareWritesMarkdownAndHtml() throws IOException {
        Dataset d = Dataset.of("d", List.of(Example.of("e1", "a", "x y"), Example.of("e2", "b", "z w")));
        RunStore store = RunStore.open(dir.resolve("runs"));
        Run a = Evaluator.builder().name("A").dataset(d).system(in -> in.equals("a") ? "x y" : "z w").metrics(Metrics.exactMatch()).build().run();
        Run b = Evaluator.builder().name("B").dataset(d).system(in -> "x y").metrics(Metrics.exactMatch()).build().run();
        store.save(a);
        store.save(b);
        Path html = dir.resolve("report.html");
        String[] r = run("compare", "--store", store.root().toString(), a.id(), b.id(), "--html", html.toString(), "--csv",
                dir.resolve("s.csv").toString());
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("| exact_match | 1.0000 | 0.5000 | -0.5000");
        assertThat(Files.readString(html)).contains("<svg").contains("Evaluation: A vs B");
        assertThat(Files.readString(dir.resolve("s.csv"))).contains("exact_match");
    }
}
