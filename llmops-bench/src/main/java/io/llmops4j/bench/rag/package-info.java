/**
 * Benchmarks of llmops-rag: HNSW build time, recall@10 and QPS on the synthetic ANN dataset of
 * {@code ../shared/bench/ANN_DATASET.md} ({@link io.llmops4j.bench.rag.AnnDataset}, {@link
 * io.llmops4j.bench.rag.AnnBenchmark}, {@link io.llmops4j.bench.rag.AnnSearchBenchmark}), and retrieval quality on
 * BEIR SciFact ({@link io.llmops4j.bench.rag.SciFactBenchmark}).
 */
package io.llmops4j.bench.rag;
