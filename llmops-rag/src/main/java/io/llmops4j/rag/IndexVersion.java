package io.llmops4j.rag;

import java.time.Instant;
import java.util.Map;

/**
 * One committed, retained state of an index.
 *
 * @param id           version id, increasing with every commit ("1", "2", ...)
 * @param time         when the commit was made
 * @param embedderId   id of the embedder that produced the vectors ({@code "none"} when callers supplied vectors)
 * @param dimension    vector dimension
 * @param generation   Lucene commit generation
 * @param notes        caller-supplied notes recorded with the commit (the ingestion records its chunker settings
 *                     under {@code "chunker"}; a rollback records {@code "rolledBackTo"})
 */
public record IndexVersion(String id, Instant time, String embedderId, int dimension, long generation,
                           Map<String, String> notes) {
    public IndexVersion {
        notes = Map.copyOf(notes);
    }
}
