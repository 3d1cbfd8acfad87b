package io.llmops4j.eval.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.llmops4j.eval.Evaluator;
import io.llmops4j.eval.run.Dataset;
import io.llmops4j.eval.run.Example;
import io.llmops4j.eval.run.Metrics;
import io.llmops4j.eval.run.Run;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders the HTML report in headless Chromium (Debian {@code chromium}; skipped when it is not installed) and
 * checks that the SVG bars were drawn: the screenshot must contain pixels of both runs' bar colours.
 */
class HtmlReportBrowserTest {

    @Test
    void rendersInHeadlessChromium(@TempDir Path dir) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assumeThat(Files.isExecutable(chromium)).as("chromium not installed").isTrue();
        Dataset d = Dataset.of("d", List.of(Example.of("e1", "q1", "the cat sat on the mat"), Example.of("e2", "q2", "a b c d")));
        Run a = Evaluator.builder().name("A").dataset(d).system(q -> q.equals("q1") ? "the cat sat on the mat" : "a b c d")
                .metrics(Metrics.rouge("rouge1")).build().run();
        Run b = Evaluator.builder().name("B").dataset(d).system(q -> "the cat").metrics(Metrics.rouge("rouge1")).build().run();
        Path html = dir.resolve("report.html");
        Files.writeString(html, HtmlReport.render("browser check", List.of(a, b)));
        Path png = dir.resolve("shot.png");
        Path profile = Files.createDirectory(dir.resolve("profile"));
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                "--window-size=1200,900", "--screenshot=" + png, html.toUri().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(png).exists();
        BufferedImage img = ImageIO.read(new File(png.toString()));
        assertThat(count(img, 0x4e79a7)).as("pixels of run A's bar").isGreaterThan(500);
        assertThat(count(img, 0xf28e2b)).as("pixels of run B's bar").isGreaterThan(100);
    }

    private static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }
}
