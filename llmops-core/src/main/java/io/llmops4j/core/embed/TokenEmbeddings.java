package io.llmops4j.core.embed;

import io.llmops4j.core.InvalidRequestException;
import java.util.List;
import java.util.Objects;

/**
 * The contextual vectors of one text, one row per token the model saw, special tokens included (for BERT-style
 * models {@code [CLS]} first and {@code [SEP]} last). Rows are the model's last hidden states, not normalised.
 * Like any record holding an array, equality compares the array by identity; compare rows element-wise.
 *
 * @param tokens the token strings, in order
 * @param vectors {@code vectors[i]} is the hidden state of {@code tokens.get(i)}
 */
public record TokenEmbeddings(List<String> tokens, float[][] vectors) {

    public TokenEmbeddings {
        tokens = List.copyOf(Objects.requireNonNull(tokens, "tokens"));
        Objects.requireNonNull(vectors, "vectors");
        if (tokens.size() != vectors.length) {
            throw new InvalidRequestException(
                    "tokens and vectors differ in length: " + tokens.size() + " vs " + vectors.length);
        }
    }

    /** Number of tokens. */
    public int size() {
        return tokens.size();
    }
}
