package io.llmops4j.core;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Turns sentences into vectors, L2-normalised unless the model says otherwise (a sentence-transformers export
 * without a {@code Normalize} module). Implementations hold native memory and must be closed; closing twice is
 * harmless. Instances are safe for concurrent use.
 */
public interface Embedder extends AutoCloseable {

    /** Embeds each text; row {@code i} is the vector of {@code texts.get(i)}. */
    float[][] embed(List<String> texts);

    /** Embeds one text. */
    default float[] embed(String text) {
        return embed(List.of(text))[0];
    }

    /**
     * Embeds each text with the model's prompt named {@code promptName} (one of {@link #prompts()}) in front, as
     * sentence-transformers' {@code encode(texts, prompt_name=...)} does: asymmetric retrieval models want, for
     * example, their {@code "query"} prompt on queries and their {@code "document"} prompt (or none) on passages.
     * A null name means {@link #embed(List)}, which puts the model's default prompt, if it has one, in front.
     *
     * @throws InvalidRequestException if the model has no prompt of that name
     */
    default float[][] embed(List<String> texts, String promptName) {
        if (promptName == null) {
            return embed(texts);
        }
        throw new InvalidRequestException("prompt name '" + promptName + "': expected one of " + prompts().keySet()
                + " (the prompts of " + id() + "), found no such prompt");
    }

    /** Embeds one text with the named prompt in front; see {@link #embed(List, String)}. */
    default float[] embed(String text, String promptName) {
        return embed(List.of(text), promptName)[0];
    }

    /**
     * Embeds search queries as sentence-transformers' {@code encode_query} does: with the model's {@code "query"}
     * prompt when it has one, else as {@link #embed(List)}.
     */
    default float[][] embedQueries(List<String> queries) {
        return embed(queries, prompts().containsKey("query") ? "query" : null);
    }

    /** Embeds one search query; see {@link #embedQueries(List)}. */
    default float[] embedQuery(String query) {
        return embedQueries(List.of(query))[0];
    }

    /**
     * Embeds passages to be searched as sentence-transformers' {@code encode_document} does: with the model's
     * first prompt among {@code "document"}, {@code "passage"} and {@code "corpus"}, else as {@link #embed(List)}.
     */
    default float[][] embedDocuments(List<String> documents) {
        return embed(documents, documentPromptName());
    }

    /**
     * The prompt {@link #embedDocuments(List)} puts in front: the model's first prompt among {@code "document"},
     * {@code "passage"} and {@code "corpus"}, or null for {@link #embed(List)}'s default.
     */
    private String documentPromptName() {
        return List.of("document", "passage", "corpus").stream().filter(prompts()::containsKey).findFirst()
                .orElse(null);
    }

    /** The model's prompts, each name with the text put in front of an input; empty when it has none. */
    default Map<String, String> prompts() {
        return Map.of();
    }

    /**
     * The similarity function the model was trained for: {@code similarity_fn_name} in an export's
     * {@code config_sentence_transformers.json}, {@link Similarity#COSINE} when it names none (as
     * sentence-transformers defaults).
     */
    default Similarity similarity() {
        return Similarity.COSINE;
    }

    /**
     * The similarity of two of this model's embeddings by its own function ({@link #similarity()}), as
     * sentence-transformers' {@code model.similarity} computes it: higher is more similar.
     *
     * @throws InvalidRequestException if the vectors differ in length
     */
    default float similarity(float[] a, float[] b) {
        return similarity().score(a, b);
    }

    /** Length of every vector this embedder returns. */
    int dimension();

    /** A stable identifier of the model (name and a hash of its weights), recorded by indexes built with it. */
    String id();

    /** Longest input in tokens; longer inputs are truncated. */
    int maxSequenceLength();

    /**
     * Tokens the model's tokenizer makes of {@code text} before truncation, special tokens (and the default prompt
     * {@link #embed(List)} puts in front, if any) included, so that a chunker can keep texts within
     * {@link #maxSequenceLength()}.
     */
    int countTokens(String text);

    /**
     * Tokens of {@code text} as {@link #embed(List, String)} feeds it with prompt {@code promptName} in front, before
     * truncation, special tokens included; a null name means {@link #countTokens(String)}.
     *
     * @throws InvalidRequestException if the model has no prompt of that name
     */
    default int countTokens(String text, String promptName) {
        if (promptName == null) {
            return countTokens(text);
        }
        throw new InvalidRequestException("prompt name '" + promptName + "': expected one of " + prompts().keySet()
                + " (the prompts of " + id() + "), found no such prompt");
    }

    /**
     * Tokens of {@code text} as {@link #embedDocuments(List)} feeds it (with the document prompt, if the model has
     * one), before truncation: what a chunker whose chunks are embedded as documents must keep within
     * {@link #maxSequenceLength()}.
     */
    default int countDocumentTokens(String text) {
        return countTokens(text, documentPromptName());
    }

    @Override
    void close();

    /** The embedded default: all-MiniLM-L6-v2 (384 dimensions, 256 word pieces), loaded from the classpath. */
    static Embedder defaultModel() {
        return io.llmops4j.core.embed.OnnxEmbedder.defaultModel();
    }

    /**
     * Loads a sentence-transformers ONNX export: {@code model.onnx} or {@code onnx/model.onnx}, its
     * {@code tokenizer.json}, and the export's module configs (pooling, Dense, Normalize); see
     * {@link io.llmops4j.core.embed.OnnxEmbedder#load(Path, String)}.
     */
    static Embedder load(Path dir) {
        return io.llmops4j.core.embed.OnnxEmbedder.load(dir);
    }
}
