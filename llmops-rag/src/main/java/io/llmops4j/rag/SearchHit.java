package io.llmops4j.rag;

import java.util.Map;

/**
 * One search result.
 *
 * @param id         chunk id
 * @param score      VECTOR: cosine similarity (dot product of unit vectors); KEYWORD: BM25; HYBRID: the weighted
 *                   reciprocal-rank-fusion score; filter-only listings: 1
 * @param text       the chunk text
 * @param metadata   stored metadata, including {@code headingPath} and {@code ordinal} when set
 * @param documentId id of the chunk's document
 * @param offsets    character offsets of the chunk in its document
 */
public record SearchHit(String id, double score, String text, Map<String, String> metadata, String documentId,
                        CharSpan offsets) {
    /** Metadata key under which a hit carries the heading path of its chunk. */
    public static final String HEADING_PATH = "headingPath";
    /** Metadata key under which a hit carries the ordinal of its chunk. */
    public static final String ORDINAL = "ordinal";

    public SearchHit {
        metadata = Map.copyOf(metadata);
    }
}
