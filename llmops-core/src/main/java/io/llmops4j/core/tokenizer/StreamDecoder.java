package io.llmops4j.core.tokenizer;

import java.util.Arrays;

/**
 * Incremental detokenization for streaming generation. {@link #push(int)} returns the text that the new id
 * completes; the concatenation of all pushes and {@link #flush()} equals {@link Tokenizer#decode(int[])} of all
 * ids within the vocabulary (special tokens skipped) whenever their bytes are valid UTF-8. Where they are not
 * (byte tokens that never complete a character), both show U+FFFD, but not always the same number of them: a
 * whole-text decode replaces an invalid run as one, the stream replaces what it has to emit at that point.
 *
 * <p>Text is never cut inside a character: while the decoded tail ends in U+FFFD (an incomplete UTF-8 sequence
 * from byte-fallback or byte-level tokens), the output is held back until the character is complete. Leading
 * spaces come out right for SentencePiece ({@code ▁}) and GPT-2 byte-level ({@code Ġ}) vocabularies because every
 * piece is the difference of two decodes over the same window: {@code decode(ids[prefix..])} minus
 * {@code decode(ids[prefix..read])}, where {@code prefix..read} are the ids already emitted by the previous step
 * (the technique of Hugging Face text-generation-inference). The window only holds the last emitted step plus
 * pending ids, so each push costs a bounded amount; after {@value #MAX_PENDING} pending ids the text is emitted
 * even if it ends in U+FFFD (then the bytes are invalid, and a full decode shows U+FFFD there too).
 *
 * <p>Not thread-safe: one decoder per stream.
 */
public final class StreamDecoder {
    static final int MAX_PENDING = 16;
    private static final char REPLACEMENT = '\uFFFD';

    private final Tokenizer tokenizer;
    /** Ids from the prefix offset on. */
    private int[] window = new int[32];
    private int size;
    /** Ids {@code window[0..readOffset)} were decoded by the previous emitting step. */
    private int readOffset;
    /** {@code decode(window[0..readOffset))}. */
    private String prefixText = "";

    StreamDecoder(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * Adds the next generated id. An id at or beyond the tokenizer's vocabulary size (a row that a checkpoint pads its
     * embedding with, e.g. Qwen2.5's 151,936 rows for 151,665 tokens) has no text and is left out, as the Hugging Face
     * tokenizers library leaves it out of a decode.
     *
     * @param tokenId the id
     * @return the newly completed text, possibly empty
     * @throws io.llmops4j.core.InvalidRequestException if the id is negative
     */
    public String push(int tokenId) {
        if (tokenId >= tokenizer.vocabSize()) {
            return "";
        }
        tokenizer.checkId(tokenId);
        if (size == window.length) {
            window = Arrays.copyOf(window, size * 2);
        }
        window[size++] = tokenId;
        String text = tokenizer.decode(Arrays.copyOf(window, size));
        boolean complete = text.length() > prefixText.length() && text.charAt(text.length() - 1) != REPLACEMENT;
        if (!complete && size - readOffset < MAX_PENDING) {
            return "";
        }
        return emit(text);
    }

    /** Returns whatever text is still held back (an incomplete character decodes as U+FFFD) and keeps context. */
    public String flush() {
        if (size == readOffset) {
            return "";
        }
        return emit(tokenizer.decode(Arrays.copyOf(window, size)));
    }

    /** Emits the new part of {@code text} and slides the window: the new prefix is the ids just read. */
    private String emit(String text) {
        String piece = text.length() > prefixText.length() ? text.substring(prefixText.length()) : "";
        int keep = size - readOffset;
        System.arraycopy(window, readOffset, window, 0, keep);
        size = keep;
        readOffset = keep;
        prefixText = tokenizer.decode(Arrays.copyOf(window, size));
        return piece;
    }
}
