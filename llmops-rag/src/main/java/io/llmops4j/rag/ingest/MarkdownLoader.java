package io.llmops4j.rag.ingest;

import io.llmops4j.rag.Document;
import io.llmops4j.rag.IngestException;
import io.llmops4j.rag.chunk.MarkdownSectionChunker;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Markdown: the text as is (heading paths are the chunker's job), title and headings in the metadata. */
final class MarkdownLoader implements DocumentLoader {
    static final int MAX_HEADINGS_IN_METADATA = 50;
    private final long maxBytes;

    MarkdownLoader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void load(Path file, Context ctx) {
        String text = TextFiles.readAll(file, maxBytes, "Markdown");
        if (text.isBlank()) {
            throw new IngestException(file + ": empty (no text)");
        }
        List<MarkdownSectionChunker.Heading> headings = MarkdownSectionChunker.headings(text);
        Map<String, String> meta = new HashMap<>(ctx.metadata());
        headings.stream().filter(h -> h.level() == 1).findFirst().or(() -> headings.stream().findFirst())
                .ifPresent(h -> meta.put(Document.TITLE, h.title()));
        putHeadings(meta, headings.stream().map(MarkdownSectionChunker.Heading::title).toList());
        ctx.accept(new Document(ctx.documentId(), text, 0, meta));
    }

    static void putHeadings(Map<String, String> meta, List<String> headings) {
        if (!headings.isEmpty()) {
            meta.put(Document.HEADINGS, String.join(" | ", headings.subList(0,
                    Math.min(headings.size(), MAX_HEADINGS_IN_METADATA))));
        }
    }
}
