/**
 * The {@code llmops-rag} command line (picocli): {@code ingest} fills a persistent index from a directory with a
 * progress bar and a report of the files it could not index, {@code search} prints ranked hits in vector, keyword or
 * hybrid mode, {@code versions} lists the retained index versions and {@code rollback} restores one.
 */
package io.llmops4j.rag.cli;
