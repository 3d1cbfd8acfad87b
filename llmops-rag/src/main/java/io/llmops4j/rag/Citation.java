package io.llmops4j.rag;

/**
 * A numbered source in a RAG prompt; the answer refers to it as {@code [number]}.
 *
 * @param number      1-based number used in the prompt
 * @param chunkId     id of the cited chunk
 * @param documentId  id of its document
 * @param source      source path or URL ({@code ""} when unknown)
 * @param title       document title ({@code ""} when unknown)
 * @param page        page number ({@code ""} when not paged)
 * @param headingPath headings enclosing the chunk ({@code ""} when none)
 */
public record Citation(int number, String chunkId, String documentId, String source, String title, String page,
                       String headingPath) {

    static Citation of(int number, SearchHit hit) {
        var m = hit.metadata();
        return new Citation(number, hit.id(), hit.documentId(), m.getOrDefault(Document.SOURCE, ""),
                m.getOrDefault(Document.TITLE, ""), m.getOrDefault(Document.PAGE, ""),
                m.getOrDefault(SearchHit.HEADING_PATH, ""));
    }

    /** Human-readable reference, e.g. {@code "Annual Report, p. 3"} or {@code "guide.md > Install"}. */
    public String label() {
        StringBuilder sb = new StringBuilder(title.isEmpty() ? documentId : title);
        if (!page.isEmpty()) {
            sb.append(", p. ").append(page);
        }
        if (!headingPath.isEmpty()) {
            sb.append(" > ").append(headingPath);
        }
        return sb.toString();
    }
}
