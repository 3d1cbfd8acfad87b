/**
 * Retrieval-augmented generation: loading and chunking documents, a Lucene index with HNSW vectors and BM25
 * text searched separately or fused, index versions, and {@code RagPipeline}, which answers with citations.
 */
package io.llmops4j.rag;
