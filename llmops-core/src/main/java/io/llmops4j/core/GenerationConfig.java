package io.llmops4j.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * How to generate: length, sampling, penalties, stops, seed. Immutable; build one with {@link #builder()}
 * (for example {@code GenerationConfig.builder().maxNewTokens(64).temperature(0.7).topP(0.9).build()}) or start
 * from {@link #defaults()} (greedy, 256 new tokens). {@link Builder#build()} validates every field and throws
 * {@link InvalidRequestException} naming the field and its allowed range.
 *
 * <p>The sampling pipeline applied to each step's logits follows Hugging Face transformers' order: repetition
 * penalty, presence/frequency penalties, then greedy argmax when {@code temperature == 0}, otherwise temperature,
 * top-k, top-p, min-p and a seeded draw (see {@link io.llmops4j.core.generate.Sampler}).
 */
public final class GenerationConfig {

    private static final GenerationConfig DEFAULTS = builder().build();

    private final int maxNewTokens;
    private final double temperature;
    private final int topK;
    private final double topP;
    private final double minP;
    private final double repetitionPenalty;
    private final double presencePenalty;
    private final double frequencyPenalty;
    private final List<String> stopSequences;
    private final Set<Integer> stopTokenIds;
    private final OptionalLong seed;
    private final boolean logprobs;

    private GenerationConfig(Builder b) {
        this.maxNewTokens = b.maxNewTokens;
        this.temperature = b.temperature;
        this.topK = b.topK;
        this.topP = b.topP;
        this.minP = b.minP;
        this.repetitionPenalty = b.repetitionPenalty;
        this.presencePenalty = b.presencePenalty;
        this.frequencyPenalty = b.frequencyPenalty;
        this.stopSequences = List.copyOf(b.stopSequences);
        this.stopTokenIds = Collections.unmodifiableSet(new LinkedHashSet<>(b.stopTokenIds));
        this.seed = b.seed;
        this.logprobs = b.logprobs;
    }

    /** A builder holding the defaults listed on each of its setters. */
    public static Builder builder() {
        return new Builder();
    }

    /** Greedy decoding of at most 256 new tokens, no penalties, no stop sequences, the checkpoint's EOS ids. */
    public static GenerationConfig defaults() {
        return DEFAULTS;
    }

    /** A builder pre-filled with this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxNewTokens = maxNewTokens;
        b.temperature = temperature;
        b.topK = topK;
        b.topP = topP;
        b.minP = minP;
        b.repetitionPenalty = repetitionPenalty;
        b.presencePenalty = presencePenalty;
        b.frequencyPenalty = frequencyPenalty;
        b.stopSequences = new ArrayList<>(stopSequences);
        b.stopTokenIds = new LinkedHashSet<>(stopTokenIds);
        b.seed = seed;
        b.logprobs = logprobs;
        return b;
    }

    /** Maximum number of tokens to generate, at least 1. */
    public int maxNewTokens() {
        return maxNewTokens;
    }

    /** Softmax temperature, {@code >= 0}; 0 means greedy decoding (argmax). */
    public double temperature() {
        return temperature;
    }

    /** Keep only the {@code topK} most likely tokens; 0 disables the filter. */
    public int topK() {
        return topK;
    }

    /** Nucleus sampling: keep the smallest set of most likely tokens whose probability mass is {@code >= topP}. */
    public double topP() {
        return topP;
    }

    /** Keep tokens whose probability is at least {@code minP} times the top token's; 0 disables the filter. */
    public double minP() {
        return minP;
    }

    /**
     * Hugging Face's repetition penalty over the prompt and the generated ids: a seen token's positive logit is
     * divided by it, a negative one multiplied; 1 disables it.
     */
    public double repetitionPenalty() {
        return repetitionPenalty;
    }

    /** OpenAI's presence penalty over generated tokens: subtracted once from the logit of every token seen. */
    public double presencePenalty() {
        return presencePenalty;
    }

    /** OpenAI's frequency penalty over generated tokens: subtracted from a logit once per occurrence. */
    public double frequencyPenalty() {
        return frequencyPenalty;
    }

    /** Strings that end generation; the returned text excludes the matched stop string and what follows. */
    public List<String> stopSequences() {
        return stopSequences;
    }

    /** Token ids that end generation; empty means the checkpoint's EOS ids. */
    public Set<Integer> stopTokenIds() {
        return stopTokenIds;
    }

    /** Seed of the sampling random generator; absent means a fresh random seed per generation. */
    public OptionalLong seed() {
        return seed;
    }

    /** Whether the log-probability of each generated token is computed and returned. */
    public boolean logprobs() {
        return logprobs;
    }

    /** Whether this configuration decodes greedily ({@code temperature == 0}). */
    public boolean greedy() {
        return temperature == 0.0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenerationConfig c
                && maxNewTokens == c.maxNewTokens
                && Double.compare(temperature, c.temperature) == 0
                && topK == c.topK
                && Double.compare(topP, c.topP) == 0
                && Double.compare(minP, c.minP) == 0
                && Double.compare(repetitionPenalty, c.repetitionPenalty) == 0
                && Double.compare(presencePenalty, c.presencePenalty) == 0
                && Double.compare(frequencyPenalty, c.frequencyPenalty) == 0
                && stopSequences.equals(c.stopSequences)
                && stopTokenIds.equals(c.stopTokenIds)
                && seed.equals(c.seed)
                && logprobs == c.logprobs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxNewTokens, temperature, topK, topP, minP, repetitionPenalty, presencePenalty,
                frequencyPenalty, stopSequences, stopTokenIds, seed, logprobs);
    }

    @Override
    public String toString() {
        return "GenerationConfig[maxNewTokens=" + maxNewTokens + ", temperature=" + temperature + ", topK=" + topK
                + ", topP=" + topP + ", minP=" + minP + ", repetitionPenalty=" + repetitionPenalty
                + ", presencePenalty=" + presencePenalty + ", frequencyPenalty=" + frequencyPenalty
                + ", stopSequences=" + stopSequences + ", stopTokenIds=" + stopTokenIds
                + ", seed=" + (seed.isPresent() ? Long.toString(seed.getAsLong()) : "random")
                + ", logprobs=" + logprobs + "]";
    }

    /** Mutable builder of {@link GenerationConfig}; {@link #build()} validates. */
    public static final class Builder {
        private int maxNewTokens = 256;
        private double temperature = 0.0;
        private int topK = 0;
        private double topP = 1.0;
        private double minP = 0.0;
        private double repetitionPenalty = 1.0;
        private double presencePenalty = 0.0;
        private double frequencyPenalty = 0.0;
        private List<String> stopSequences = new ArrayList<>();
        private Set<Integer> stopTokenIds = new LinkedHashSet<>();
        private OptionalLong seed = OptionalLong.empty();
        private boolean logprobs = false;

        private Builder() {
        }

        /** Maximum number of new tokens, {@code >= 1}; default 256. */
        public Builder maxNewTokens(int maxNewTokens) {
            this.maxNewTokens = maxNewTokens;
            return this;
        }

        /** Temperature, {@code >= 0} and finite; default 0 (greedy). */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Top-k, {@code >= 0}; default 0 (off). */
        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        /** Top-p in (0, 1]; default 1 (off). */
        public Builder topP(double topP) {
            this.topP = topP;
            return this;
        }

        /** Min-p in [0, 1]; default 0 (off). */
        public Builder minP(double minP) {
            this.minP = minP;
            return this;
        }

        /** Repetition penalty, {@code > 0} and finite; default 1 (off). */
        public Builder repetitionPenalty(double repetitionPenalty) {
            this.repetitionPenalty = repetitionPenalty;
            return this;
        }

        /** Presence penalty in [-2, 2]; default 0. */
        public Builder presencePenalty(double presencePenalty) {
            this.presencePenalty = presencePenalty;
            return this;
        }

        /** Frequency penalty in [-2, 2]; default 0. */
        public Builder frequencyPenalty(double frequencyPenalty) {
            this.frequencyPenalty = frequencyPenalty;
            return this;
        }

        /** Stop sequences (non-empty strings), replacing any set before; default none. */
        public Builder stopSequences(List<String> stopSequences) {
            Objects.requireNonNull(stopSequences, "stopSequences");
            this.stopSequences = new ArrayList<>(stopSequences);
            return this;
        }

        /** Stop sequences (non-empty strings), replacing any set before. */
        public Builder stopSequences(String... stopSequences) {
            return stopSequences(Arrays.asList(stopSequences));
        }

        /** Stop token ids ({@code >= 0}), replacing any set before; default empty = the checkpoint's EOS ids. */
        public Builder stopTokenIds(Set<Integer> stopTokenIds) {
            Objects.requireNonNull(stopTokenIds, "stopTokenIds");
            this.stopTokenIds = new LinkedHashSet<>(stopTokenIds);
            return this;
        }

        /** Stop token ids ({@code >= 0}), replacing any set before. */
        public Builder stopTokenIds(int... stopTokenIds) {
            LinkedHashSet<Integer> ids = new LinkedHashSet<>();
            for (int id : stopTokenIds) {
                ids.add(id);
            }
            this.stopTokenIds = ids;
            return this;
        }

        /** Fixed seed: the same seed, model and prompt give the same output. */
        public Builder seed(long seed) {
            this.seed = OptionalLong.of(seed);
            return this;
        }

        /** Seed, or empty for a fresh random seed per generation (the default). */
        public Builder seed(OptionalLong seed) {
            this.seed = Objects.requireNonNull(seed, "seed");
            return this;
        }

        /** Whether to compute each generated token's log-probability; default false. */
        public Builder logprobs(boolean logprobs) {
            this.logprobs = logprobs;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws InvalidRequestException naming the first invalid field, its allowed range and the value found
         */
        public GenerationConfig build() {
            if (maxNewTokens < 1) {
                throw invalid("maxNewTokens must be >= 1", maxNewTokens);
            }
            if (!(temperature >= 0.0) || Double.isInfinite(temperature)) {
                throw invalid("temperature must be finite and >= 0 (0 = greedy)", temperature);
            }
            if (topK < 0) {
                throw invalid("topK must be >= 0 (0 = off)", topK);
            }
            if (!(topP > 0.0 && topP <= 1.0)) {
                throw invalid("topP must be in (0, 1]", topP);
            }
            if (!(minP >= 0.0 && minP <= 1.0)) {
                throw invalid("minP must be in [0, 1]", minP);
            }
            if (!(repetitionPenalty > 0.0) || Double.isInfinite(repetitionPenalty)) {
                throw invalid("repetitionPenalty must be finite and > 0 (1 = off)", repetitionPenalty);
            }
            if (!(presencePenalty >= -2.0 && presencePenalty <= 2.0)) {
                throw invalid("presencePenalty must be in [-2, 2]", presencePenalty);
            }
            if (!(frequencyPenalty >= -2.0 && frequencyPenalty <= 2.0)) {
                throw invalid("frequencyPenalty must be in [-2, 2]", frequencyPenalty);
            }
            for (int i = 0; i < stopSequences.size(); i++) {
                String s = stopSequences.get(i);
                if (s == null || s.isEmpty()) {
                    throw new InvalidRequestException("stopSequences[" + i + "] must be a non-empty string, was "
                            + (s == null ? "null" : "\"\""));
                }
            }
            for (Integer id : stopTokenIds) {
                if (id == null || id < 0) {
                    throw new InvalidRequestException("stopTokenIds must hold token ids >= 0, found " + id);
                }
            }
            return new GenerationConfig(this);
        }

        private static InvalidRequestException invalid(String rule, Object found) {
            return new InvalidRequestException(rule + ", was " + found);
        }
    }
}
