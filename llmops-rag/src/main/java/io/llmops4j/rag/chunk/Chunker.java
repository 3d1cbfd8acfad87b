package io.llmops4j.rag.chunk;

import io.llmops4j.rag.CharSpan;
import io.llmops4j.rag.Chunk;
import io.llmops4j.rag.Document;
import java.util.ArrayList;
import java.util.List;

/** Splits text into chunks. Implementations are immutable and thread-safe. */
public interface Chunker {

    /** A piece of the text: {@code [start, end)} and the headings enclosing it ({@code ""} when none). */
    record Span(int start, int end, String headingPath) {
    }

    /** The pieces of {@code text}, in order, each non-empty and starting and ending on non-whitespace. */
    List<Span> split(String text);

    /** The settings, recorded with every index version built with this chunker. */
    String describe();

    /** Chunks of a document (or document part), numbered from {@code firstOrdinal}, offsets in the whole document. */
    default List<Chunk> chunk(Document doc, int firstOrdinal) {
        List<Chunk> out = new ArrayList<>();
        int ordinal = firstOrdinal;
        for (Span s : split(doc.text())) {
            out.add(new Chunk(doc.id() + "#" + ordinal, doc.id(), ordinal, doc.text().substring(s.start(), s.end()),
                    new CharSpan(doc.offset() + s.start(), doc.offset() + s.end()), s.headingPath(), doc.metadata()));
            ordinal++;
        }
        return out;
    }

    default List<Chunk> chunk(Document doc) {
        return chunk(doc, 0);
    }

    /** The default chunker: recursive, {@code maxTokens} per chunk, {@code overlapTokens} repeated between chunks. */
    static Chunker recursive(TokenCounter counter, int maxTokens, int overlapTokens) {
        return new RecursiveChunker(counter, maxTokens, overlapTokens);
    }

    static Chunker markdown(TokenCounter counter, int maxTokens, int overlapTokens) {
        return new MarkdownSectionChunker(counter, maxTokens, overlapTokens);
    }

    static Chunker fixedWindow(int windowChars, int overlapChars) {
        return new FixedWindowChunker(windowChars, overlapChars);
    }
}
