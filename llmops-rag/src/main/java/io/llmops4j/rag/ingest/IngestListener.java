package io.llmops4j.rag.ingest;

/** Receives progress of an ingestion run, on the ingesting thread; keep it quick. */
@FunctionalInterface
public interface IngestListener {
    void onProgress(IngestProgress progress);

    /** A listener that ignores progress. */
    static IngestListener none() {
        return p -> { };
    }
}
