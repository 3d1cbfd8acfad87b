package io.llmops4j.rag.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmops4j.rag.Document;
import io.llmops4j.rag.IngestException;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderTest {
    @TempDir
    Path dir;

    /** Collects what a loader emits. */
    static final class Collector implements DocumentLoader.Context {
        final List<Document> docs = new ArrayList<>();
        final List<String> problems = new ArrayList<>();

        @Override
        public String documentId() {
            return "doc";
        }

        @Override
        public Map<String, String> metadata() {
            return Map.of(Document.SOURCE, "/src");
        }

        @Override
        public void accept(Document document) {
            docs.add(document);
        }

        @Override
        public void problem(String reason) {
            problems.add(reason);
        }
    }

    private Collector load(DocumentLoader loader, Path file) {
        Collector c = new Collector();
        loader.load(file, c);
        return c;
    }

    @Test
    void largeTextIsStreamedInPartsThatReassembleExactly() throws Exception {
        Path f = dir.resolve("big.txt");
        StringBuilder expected = new StringBuilder();
        try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
            for (int i = 0; i < 40_000; i++) {
                String line = "Paragraph " + i + " talks about heat pumps, caf\u00e9s and \u00fcber-efficiency.\n"
                        + (i % 3 == 0 ? "\n" : "");
                w.write(line);
                expected.append(line);
            }
        }
        Collector c = load(DocumentLoader.text(200_000), f);
        assertThat(c.docs.size()).isGreaterThan(10);
        StringBuilder joined = new StringBuilder();
        for (Document d : c.docs) {
            assertThat(d.offset()).isEqualTo(joined.length());
            assertThat(d.id()).isEqualTo("doc");
            assertThat(d.text().length()).isLessThanOrEqualTo(200_000);
            assertThat(d.text()).endsWith("\n"); // cut at a line or paragraph break
            joined.append(d.text());
        }
        assertThat(joined.toString()).isEqualTo(expected.toString());
    }

    @Test
    void binaryInvalidUtf8AndEmptyTextAreRefused() throws Exception {
        Path bin = dir.resolve("bin.txt");
        Files.write(bin, new byte[] {'a', 'b', 0, 'c'});
        assertThatThrownBy(() -> load(DocumentLoader.text(4096), bin)).isInstanceOf(IngestException.class)
                .hasMessageContaining("bin.txt").hasMessageContaining("binary").hasMessageContaining("offset 2");
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> load(DocumentLoader.text(4096), latin1)).isInstanceOf(IngestException.class)
                .hasMessageContaining("not valid UTF-8");
        Path blank = dir.resolve("blank.txt");
        Files.writeString(blank, " \n\n\t ");
        assertThatThrownBy(() -> load(DocumentLoader.text(4096), blank)).isInstanceOf(IngestException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void markdownKeepsTitleAndHeadings() throws Exception {
        Path f = dir.resolve("guide.md");
        Files.writeString(f, "Preface\n\n## Setup\ntext\n# The Guide\n## Usage\nmore\n");
        Document d = load(DocumentLoader.markdown(1 << 20), f).docs.getFirst();
        assertThat(d.metadata()).containsEntry(Document.TITLE, "The Guide")
                .containsEntry(Document.HEADINGS, "Setup | The Guide | Usage").containsEntry(Document.SOURCE, "/src");
        assertThat(d.text()).startsWith("Preface");
        Path big = dir.resolve("big.md");
        Files.writeString(big, "x".repeat(2000));
        assertThatThrownBy(() -> load(DocumentLoader.markdown(1000), big)).isInstanceOf(IngestException.class)
                .hasMessageContaining("oversized").hasMessageContaining("2000 bytes > limit 1000");
    }

    @Test
    void htmlKeepsMainTextAndHeadingsAndDropsScriptsStylesAndNavigation() throws Exception {
        Path f = dir.resolve("page.html");
        Files.writeString(f, """
                <html><head><title>Heat Pumps 101</title><style>p { color: red }</style>
                <script>var tracking = 1;</script></head>
                <body><nav>Home | About</nav><header>Site header</header>
                <main><h1>Heat pumps</h1><p>They move   heat.</p>
                <h2>Costs</h2><p>About <b>3 kW</b> of power.</p><ul><li>one</li><li>two</li></ul></main>
                <footer>Copyright</footer></body></html>
                """);
        Document d = load(DocumentLoader.html(1 << 20), f).docs.getFirst();
        assertThat(d.text()).isEqualTo("# Heat pumps\n\nThey move heat.\n\n## Costs\n\nAbout 3 kW of power.\n\none\n\ntwo");
        assertThat(d.metadata()).containsEntry(Document.TITLE, "Heat Pumps 101")
                .containsEntry(Document.HEADINGS, "Heat pumps | Costs");
    }

    @Test
    void pdfYieldsOnePartPerPageWithPageNumbers() throws Exception {
        Path f = dir.resolve("report.pdf");
        TestFiles.pdf(f, "Annual Report", "Revenue grew by ten percent.", "", "Costs fell in the third quarter.");
        Collector c = load(DocumentLoader.pdf(), f);
        assertThat(c.docs).hasSize(2);
        assertThat(c.docs.get(0).text().strip()).isEqualTo("Revenue grew by ten percent.");
        assertThat(c.docs.get(0).metadata()).containsEntry(Document.PAGE, "1").containsEntry(Document.TITLE, "Annual Report");
        assertThat(c.docs.get(1).text().strip()).isEqualTo("Costs fell in the third quarter.");
        assertThat(c.docs.get(1).metadata()).containsEntry(Document.PAGE, "3");
        assertThat(c.docs.get(1).offset()).isGreaterThan(c.docs.get(0).offset());

        Path fake = dir.resolve("fake.pdf");
        Files.writeString(fake, "this is not a pdf");
        assertThatThrownBy(() -> load(DocumentLoader.pdf(), fake)).isInstanceOf(IngestException.class)
                .hasMessageContaining("fake.pdf").hasMessageContaining("not a readable PDF");
        Path blank = dir.resolve("blank.pdf");
        TestFiles.pdf(blank, "Scan", "", "");
        assertThatThrownBy(() -> load(DocumentLoader.pdf(), blank)).isInstanceOf(IngestException.class)
                .hasMessageContaining("no text in any of its 2 pages");
    }

    @Test
    void jsonlReportsBadLinesAndLoadsTheRest() throws Exception {
        Path f = dir.resolve("records.jsonl");
        Files.writeString(f, """
                {"_id": "a1", "title": "First", "text": "Alpha text."}
                {"_id": "a2", "title": "Second", "text": "Beta
                {"_id": "a3", "title": "", "text": ""}
                [1, 2]

                {"title": "No id", "text": "Gamma text."}
                """);
        Collector c = load(DocumentLoader.jsonl("_id", List.of("title", "text"), "title"), f);
        assertThat(c.docs).extracting(Document::id).containsExactly("a1", "doc:6");
        assertThat(c.docs.get(0).text()).isEqualTo("First\n\nAlpha text.");
        assertThat(c.docs.get(0).metadata()).containsEntry(Document.TITLE, "First").containsEntry("line", "1");
        assertThat(c.problems).hasSize(3);
        assertThat(c.problems.get(0)).startsWith("line 2: malformed JSON");
        assertThat(c.problems.get(1)).startsWith("line 3: none of the text fields");
        assertThat(c.problems.get(2)).startsWith("line 4: expected a JSON object");
    }

    @Test
    void directoryWalkerAppliesIncludeAndExcludeGlobs() throws Exception {
        Files.createDirectories(dir.resolve("docs/drafts"));
        for (String p : List.of("a.md", "b.txt", "docs/c.md", "docs/drafts/d.md", "docs/e.pdf")) {
            Files.writeString(dir.resolve(p), "x");
        }
        DirectoryWalker w = new DirectoryWalker(List.of("**/*.md", "**/*.pdf"), List.of("**/drafts/**"));
        assertThat(w.walk(dir)).extracting(p -> dir.relativize(p).toString().replace('\\', '/'))
                .containsExactly("a.md", "docs/c.md", "docs/e.pdf");
        assertThat(new DirectoryWalker(List.of(), List.of()).walk(dir)).hasSize(5);
        assertThatThrownBy(() -> new DirectoryWalker(List.of(), List.of()).walk(dir.resolve("missing")))
                .isInstanceOf(IngestException.class).hasMessageContaining("no such file");
    }
}
