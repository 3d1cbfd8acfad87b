package io.llmops4j.core.embed;

/**
 * How {@link OnnxEmbedder} turns the token vectors of a text into one vector: the pooling modes of
 * sentence-transformers' {@code Pooling} module ({@code 1_Pooling/config.json}). Only real tokens count (never
 * padding); the embedder pads on the right, so the first and last real tokens are the first and last tokens the
 * tokenizer produced, whatever padding side {@code tokenizer.json} names.
 *
 * <p>When several modes are on, their vectors are concatenated in the order of this enum, which is the order
 * sentence-transformers concatenates them in (not the order of the fields in the config file).
 */
public enum PoolingMode {
    /** The first token's vector ({@code pooling_mode_cls_token}; {@code [CLS]} for BERT-style tokenizers). */
    CLS("pooling_mode_cls_token", "cls"),
    /** The element-wise maximum over the tokens ({@code pooling_mode_max_tokens}). */
    MAX("pooling_mode_max_tokens", "max"),
    /** The mean of the token vectors ({@code pooling_mode_mean_tokens}). */
    MEAN("pooling_mode_mean_tokens", "mean"),
    /** The sum of the token vectors divided by the square root of the number of tokens. */
    MEAN_SQRT_LEN("pooling_mode_mean_sqrt_len_tokens", "mean_sqrt_len_tokens"),
    /**
     * The mean with the token at (0-based) position {@code i} weighted {@code i + 1}
     * ({@code pooling_mode_weightedmean_tokens}, SGPT's position-weighted mean).
     */
    WEIGHTED_MEAN("pooling_mode_weightedmean_tokens", "weightedmean"),
    /** The last token's vector ({@code pooling_mode_lasttoken}; the EOS token of decoder embedders). */
    LAST_TOKEN("pooling_mode_lasttoken", "lasttoken");

    private final String configField;
    private final String configName;

    PoolingMode(String configField, String configName) {
        this.configField = configField;
        this.configName = configName;
    }

    /** The boolean field of sentence-transformers' pooling {@code config.json} that switches this mode on. */
    public String configField() {
        return configField;
    }

    /** This mode's name as sentence-transformers' {@code pooling_mode} string argument spells it. */
    public String configName() {
        return configName;
    }
}
