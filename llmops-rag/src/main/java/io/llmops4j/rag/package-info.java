/**
 * Retrieval-augmented generation: loading and chunking documents, a Lucene index with HNSW vectors and BM25
 * text searched separately or fused, index versions, and {@code RagPipeline}, which answers with citations.
 *
 * <pre>{@code
 * try (VectorIndex index = VectorIndex.open(Path.of("kb-index"), Embedder.defaultModel());
 *      LanguageModel lm = LanguageModel.load(Path.of("models/my-llama"))) {
 *     Ingestor.builder().index(index).build().ingest(Path.of("docs"));
 *     RagPipeline rag = RagPipeline.builder().index(index).model(lm).topK(4).mode(SearchRequest.Mode.HYBRID).build();
 *     Answer a = rag.ask("How do I rotate the API keys?");
 * }
 * }</pre>
 *
 * {@code RagPipeline.Builder.model(LanguageModel)} takes the context window, token counting and chat template from
 * the model, so the packed prompt is measured on exactly what the model reads; {@code generator(...)} with
 * {@code tokenCounter(...)} serves any other model, a remote one for example.
 *
 * <p>The same from a shell: {@code llmops-rag ingest|search|versions|rollback} ({@link io.llmops4j.rag.cli.RagCli}).
 */
package io.llmops4j.rag;
