package io.llmops4j.rag;

import java.util.Map;

/**
 * A piece of a document that is embedded and indexed as one unit.
 *
 * @param id          unique id of the chunk in the index ({@code documentId#ordinal} when made by a chunker)
 * @param documentId  id of the document it came from
 * @param ordinal     position of the chunk within its document, from 0
 * @param text        the chunk's text, exactly {@code documentText.substring(offsets.start(), offsets.end())}
 * @param offsets     character offsets of the text in the source document
 * @param headingPath headings enclosing the chunk, outermost first, joined by {@code " > "}; empty when none
 * @param metadata    the document's metadata (source, title, page, content hash, ...) stored with the chunk
 */
public record Chunk(String id, String documentId, int ordinal, String text, CharSpan offsets, String headingPath,
                    Map<String, String> metadata) {
    public Chunk {
        RagConfigException.requireNonNull("chunk.id", id);
        RagConfigException.requireNonNull("chunk.documentId", documentId);
        RagConfigException.requireNonNull("chunk.text", text);
        RagConfigException.requireNonNull("chunk.offsets", offsets);
        headingPath = headingPath == null ? "" : headingPath;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A chunk with the given id that is its own document (for texts that need no splitting). */
    public static Chunk of(String id, String text, Map<String, String> metadata) {
        return new Chunk(id, id, 0, text, new CharSpan(0, text.length()), "", metadata);
    }
}
