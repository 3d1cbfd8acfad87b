package io.llmops4j.rag.ingest;

import io.llmops4j.rag.Document;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Extracts text from one file and hands it on as documents (or document parts, for large files) without holding
 * more of the file in memory than the format requires. A file that cannot be loaded at all throws
 * {@link io.llmops4j.rag.IngestException}; a problem with one record of an otherwise good file goes to
 * {@link Context#problem}.
 */
@FunctionalInterface
public interface DocumentLoader {

    /** Where a loader sends its output. */
    interface Context {
        /** Id for documents of this file (its path relative to the ingestion root). */
        String documentId();

        /** Metadata of the file (source, content hash, modified time) to put in every document. */
        Map<String, String> metadata();

        /** Receives the next document or document part. */
        void accept(Document document);

        /** Records a non-fatal problem (such as a malformed JSONL line) in the ingestion report. */
        void problem(String reason);
    }

    void load(Path file, Context context);

    /** UTF-8 plain text, streamed in parts of about {@code partChars} characters cut at paragraph or line breaks. */
    static DocumentLoader text(int partChars) {
        return new TextLoader(partChars);
    }

    /** Markdown: title and headings in the metadata; read whole, so files above {@code maxBytes} are refused. */
    static DocumentLoader markdown(long maxBytes) {
        return new MarkdownLoader(maxBytes);
    }

    /**
     * HTML via jsoup: the main text ({@code <main>}, else {@code <article>}, else {@code <body>}) without scripts,
     * styles and navigation, headings rendered as Markdown {@code #} lines, title in the metadata.
     */
    static DocumentLoader html(long maxBytes) {
        return new HtmlLoader(maxBytes);
    }

    /** PDF via PDFBox: one document part per page with its 1-based page number. */
    static DocumentLoader pdf() {
        return new PdfLoader();
    }

    /**
     * JSON Lines: one document per line; its id from {@code idField} (else {@code file:line}), its text from the
     * {@code textFields} present, joined by a blank line; {@code titleField} (may be null) goes to the metadata.
     */
    static DocumentLoader jsonl(String idField, List<String> textFields, String titleField) {
        return new JsonlLoader(idField, textFields, titleField);
    }
}
