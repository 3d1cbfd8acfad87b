package io.llmops4j.rag.chunk;

/**
 * Counts the tokens of a text as a model's tokenizer would, e.g. {@code text -> tokenizer.encode(text).length}.
 * Chunkers call it on whole candidate chunks, so the limit they enforce is exactly the tokenizer's.
 */
@FunctionalInterface
public interface TokenCounter {
    int count(String text);

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
