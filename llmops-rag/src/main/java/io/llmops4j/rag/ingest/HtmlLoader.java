package io.llmops4j.rag.ingest;

import io.llmops4j.rag.Document;
import io.llmops4j.rag.IngestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * HTML through jsoup. Scripts, styles, navigation, headers, footers, asides and forms are dropped; the main content
 * ({@code <main>}, else {@code <article>}, else {@code <body>}) becomes plain text with a blank line between blocks
 * and headings written as Markdown {@code #} lines, so the Markdown section chunker can keep heading paths.
 */
final class HtmlLoader implements DocumentLoader {
    private static final String DROPPED = "script, style, noscript, template, nav, header, footer, aside, form, svg, iframe";
    private static final Set<String> BLOCKS = Set.of("p", "div", "section", "article", "main", "li", "ul", "ol", "dl",
            "dt", "dd", "table", "tr", "pre", "blockquote", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6",
            "br", "hr", "details", "summary");

    private final long maxBytes;

    HtmlLoader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void load(Path file, Context ctx) {
        org.jsoup.nodes.Document html;
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new IngestException(file + ": oversized for HTML, which is parsed in memory: " + size
                        + " bytes > limit " + maxBytes);
            }
            TextFiles.refuseBinary(file);
            html = Jsoup.parse(file.toFile(), null);
        } catch (IOException e) {
            throw TextFiles.unreadable(file, e);
        }
        html.select(DROPPED).remove();
        Element root = html.selectFirst("main");
        if (root == null) {
            root = html.selectFirst("article");
        }
        if (root == null) {
            root = html.body();
        }
        List<String> headings = new ArrayList<>();
        String text = render(root, headings);
        if (text.isBlank()) {
            throw new IngestException(file + ": empty (no text in the HTML body)");
        }
        Map<String, String> meta = new HashMap<>(ctx.metadata());
        String title = html.title().strip();
        if (title.isEmpty()) {
            Element h1 = root.selectFirst("h1");
            title = h1 == null ? "" : h1.text();
        }
        if (!title.isEmpty()) {
            meta.put(Document.TITLE, title);
        }
        MarkdownLoader.putHeadings(meta, headings);
        ctx.accept(new Document(ctx.documentId(), text, 0, meta));
    }

    private static String render(Element root, List<String> headings) {
        StringBuilder out = new StringBuilder();
        NodeTraversor.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode t) {
                    boolean pre = t.parent() instanceof Element p && (p.normalName().equals("pre")
                            || p.closest("pre") != null);
                    String s = pre ? t.getWholeText() : t.text();
                    if (!s.isBlank() || (!out.isEmpty() && !Character.isWhitespace(out.charAt(out.length() - 1)))) {
                        out.append(pre ? s : s.replaceAll("\\s+", " "));
                    }
                } else if (node instanceof Element e && BLOCKS.contains(e.normalName())) {
                    blockBreak(out);
                    String name = e.normalName();
                    if (name.length() == 2 && name.charAt(0) == 'h' && Character.isDigit(name.charAt(1))) {
                        headings.add(e.text());
                        out.append("#".repeat(name.charAt(1) - '0')).append(' ');
                    }
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element e && BLOCKS.contains(e.normalName())) {
                    blockBreak(out);
                }
            }
        }, root);
        return out.toString().replaceAll("[ \\t]+\\n", "\n").strip();
    }

    private static void blockBreak(StringBuilder out) {
        int end = out.length();
        while (end > 0 && (out.charAt(end - 1) == ' ' || out.charAt(end - 1) == '\t')) {
            end--;
        }
        out.setLength(end);
        if (out.isEmpty() || out.toString().endsWith("\n\n")) {
            return;
        }
        out.append(out.charAt(out.length() - 1) == '\n' ? "\n" : "\n\n");
    }
}
