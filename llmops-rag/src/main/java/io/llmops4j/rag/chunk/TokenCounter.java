package io.llmops4j.rag.chunk;

import io.llmops4j.core.Embedder;
import io.llmops4j.core.tokenizer.Tokenizer;
import io.llmops4j.rag.RagConfigException;

/**
 * Counts the tokens of a text as a model's tokenizer would, e.g. {@code text -> tokenizer.encode(text).length}.
 * Chunkers call it on whole candidate chunks, so the limit they enforce is exactly the tokenizer's.
 */
@FunctionalInterface
public interface TokenCounter {
    int count(String text);

    /**
     * Exact counts from a Hugging Face tokenizer, special tokens included as {@link Tokenizer#encode(String)} adds
     * them: the length of the sequence the model sees, which is what an embedder's
     * {@link io.llmops4j.core.Embedder#maxSequenceLength()} limits. For an embedder loaded with
     * {@code Embedder.load(dir)}, {@code TokenCounter.of(Tokenizer.load(dir))} counts with its own tokenizer.
     * The counter uses the tokenizer without owning it: close the tokenizer after the last count.
     */
    static TokenCounter of(Tokenizer tokenizer) {
        if (tokenizer == null) {
            throw new RagConfigException("tokenizer must not be null");
        }
        return text -> tokenizer.encode(text).length;
    }

    /**
     * Exact counts from an embedder's own tokenizer, before truncation and with special tokens and the document
     * prompt the index embeds chunks with ({@link Embedder#countDocumentTokens}), so that chunks kept within
     * {@link Embedder#maxSequenceLength()} are embedded whole. The counter uses the embedder without owning it.
     */
    static TokenCounter of(Embedder embedder) {
        if (embedder == null) {
            throw new RagConfigException("embedder must not be null");
        }
        return embedder::countDocumentTokens;
    }

    /**
     * Counts whitespace-separated words. An approximation for when no tokenizer is at hand: WordPiece and BPE
     * tokenizers produce about 1.3 tokens per English word, so leave a margin.
     */
    static TokenCounter whitespace() {
        return text -> {
            int n = 0;
            boolean inWord = false;
            for (int i = 0; i < text.length(); i++) {
                boolean ws = Character.isWhitespace(text.charAt(i));
                if (!ws && !inWord) {
                    n++;
                }
                inWord = !ws;
            }
            return n;
        };
    }
}
