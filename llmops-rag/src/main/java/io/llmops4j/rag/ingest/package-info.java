/**
 * Ingestion: {@link io.llmops4j.rag.ingest.DocumentLoader}s for text, Markdown, HTML, PDF and JSONL, a directory
 * walker with globs, and the {@link io.llmops4j.rag.ingest.Ingestor}, which streams files through loaders and
 * chunkers into a {@link io.llmops4j.rag.VectorIndex}, skips unchanged files, reports bad ones and progress, and can
 * be cancelled.
 */
package io.llmops4j.rag.ingest;
