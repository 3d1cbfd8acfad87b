package io.llmops4j.rag;

import java.util.Map;

/**
 * A loaded document, or one part of a large document that is streamed in parts.
 *
 * @param id       stable id of the document (its path relative to the ingestion root, or a record id); all parts of
 *                 one file share it
 * @param text     the extracted text of this part
 * @param offset   character offset of {@code text} within the whole document (0 for single-part documents)
 * @param metadata well-known keys are the constants of this record (source, title, page, headings, content hash,
 *                 modified time); loaders may add others
 */
public record Document(String id, String text, int offset, Map<String, String> metadata) {
    /** Absolute path of the file the document was loaded from. */
    public static final String SOURCE = "source";
    /** Document title (HTML {@code <title>}, first Markdown heading, JSONL title field, PDF title). */
    public static final String TITLE = "title";
    /** 1-based page number (PDF). */
    public static final String PAGE = "page";
    /** Headings of the document in order, joined by {@code " | "}. */
    public static final String HEADINGS = "headings";
    /** Lower-case hex sha256 of the source file's bytes. */
    public static final String CONTENT_HASH = "content_hash";
    /** Last-modified time of the source file, ISO-8601. */
    public static final String MODIFIED = "modified";

    public Document {
        RagConfigException.requireNonNull("document.id", id);
        RagConfigException.requireNonNull("document.text", text);
        if (offset < 0) {
            throw new RagConfigException("document.offset must be >= 0, got " + offset);
        }
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public Document(String id, String text, Map<String, String> metadata) {
        this(id, text, 0, metadata);
    }
}
