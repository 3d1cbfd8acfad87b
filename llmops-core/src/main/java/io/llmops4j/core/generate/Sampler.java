package io.llmops4j.core.generate;

import io.llmops4j.core.GenerationConfig;
import io.llmops4j.core.InvalidRequestException;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Chooses the next token of one sequence from the model's logits, one call of {@link #next(float[])} per step.
 *
 * <p>Each step works on a private copy of the logits (the caller's array is never modified) and applies, in
 * Hugging Face transformers' order:
 * <ol>
 *   <li>repetition penalty over the prompt and every generated id (HF semantics: a seen token's logit is divided
 *       by the penalty when positive, multiplied when negative; each distinct token once);</li>
 *   <li>OpenAI's presence and frequency penalties over the generated ids only:
 *       {@code logit -= frequencyPenalty * count + presencePenalty * (count > 0)};</li>
 *   <li>if {@code temperature == 0}: argmax, the lowest id winning ties; otherwise</li>
 *   <li>temperature, top-k (the {@code k} largest logits and every logit tied with the {@code k}-th, as
 *       transformers' TopKLogitsWarper), top-p (the smallest set of most likely tokens whose probability mass is
 *       {@code >= topP}, at least one token), min-p (tokens with {@code p >= minP * p_max}), renormalisation
 *       and a draw from a {@link SplittableRandom} seeded with {@link GenerationConfig#seed()}.</li>
 * </ol>
 * Tokens of equal logit are ordered by ascending id wherever an order matters (top-p, ties in argmax),
 * so results are deterministic for a given seed. The chosen id is then added to the history the penalties use.
 *
 * <p>Cost per step is linear in the vocabulary: top-k uses a bounded heap (O(V log k)), top-p sorts only the
 * high-probability prefix located with a histogram of log-probabilities, never the whole vocabulary.
 *
 * <p>A sampler holds the state of one sequence and is not thread-safe.
 */
public final class Sampler {

    /**
     * One sampled token.
     *
     * @param tokenId the chosen token id
     * @param logprob natural log-probability of the token under the distribution it was drawn from (for greedy
     *                decoding: the log-softmax of the penalised logits); {@code NaN} when
     *                {@link GenerationConfig#logprobs()} is false
     */
    public record Choice(int tokenId, float logprob) {
    }

    /** Histogram of {@code (maxLogit - logit) / temperature} used to find the top-p prefix without a full sort. */
    private static final int BUCKETS = 512;
    private static final double BUCKETS_PER_NAT = 16.0;

    private final GenerationConfig cfg;
    private final int vocabSize;
    private final float[] work;
    private final SplittableRandom random;

    private final boolean repetition;
    private final boolean[] seen;
    private int[] seenIds = new int[16];
    private int seenCount;

    private final boolean presenceFrequency;
    private final int[] generatedCounts;
    private int[] generatedIds = new int[16];
    private int generatedDistinct;

    /* Sampling buffers, allocated only when temperature > 0 (keys for top-k/top-p, bucketMass for top-p). */
    private final double[] weight;
    private final int[] kept;
    private final long[] keys;
    private final double[] bucketMass;

    /**
     * A sampler for one sequence.
     *
     * @param cfg       the generation configuration (sampling parameters, penalties, seed)
     * @param promptIds the prompt's token ids (the repetition penalty covers them)
     * @param vocabSize the number of logits per step
     * @throws InvalidRequestException if {@code vocabSize < 1} or a prompt id is outside {@code [0, vocabSize)}
     */
    public Sampler(GenerationConfig cfg, int[] promptIds, int vocabSize) {
        this.cfg = Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(promptIds, "promptIds");
        if (vocabSize < 1) {
            throw new InvalidRequestException("vocabSize must be >= 1, was " + vocabSize);
        }
        for (int i = 0; i < promptIds.length; i++) {
            if (promptIds[i] < 0 || promptIds[i] >= vocabSize) {
                throw new InvalidRequestException("promptIds[" + i + "] must be in [0, " + vocabSize + "), was "
                        + promptIds[i]);
            }
        }
        this.vocabSize = vocabSize;
        this.work = new float[vocabSize];
        this.random = cfg.seed().isPresent() ? new SplittableRandom(cfg.seed().getAsLong()) : new SplittableRandom();

        this.repetition = cfg.repetitionPenalty() != 1.0;
        this.seen = repetition ? new boolean[vocabSize] : null;
        if (repetition) {
            for (int id : promptIds) {
                markSeen(id);
            }
        }
        this.presenceFrequency = cfg.presencePenalty() != 0.0 || cfg.frequencyPenalty() != 0.0;
        this.generatedCounts = presenceFrequency ? new int[vocabSize] : null;

        boolean sampling = !cfg.greedy();
        this.weight = sampling ? new double[vocabSize] : null;
        this.kept = sampling ? new int[vocabSize] : null;
        this.keys = sampling && (cfg.topK() > 0 || cfg.topP() < 1.0) ? new long[vocabSize] : null;
        this.bucketMass = sampling && cfg.topP() < 1.0 ? new double[BUCKETS] : null;
    }

    /**
     * Chooses the next token and records it in this sequence's history.
     *
     * @param logits the model's logits for the next position, length {@code vocabSize}; not modified.
     *               {@code -Infinity} masks a token; {@code NaN} and {@code +Infinity} are rejected
     * @return the chosen token and its log-probability
     * @throws InvalidRequestException if the length is wrong, a logit is NaN or +Infinity, or every logit is
     *                                 -Infinity
     */
    public Choice next(float[] logits) {
        Objects.requireNonNull(logits, "logits");
        if (logits.length != vocabSize) {
            throw new InvalidRequestException("logits must have length vocabSize = " + vocabSize + ", was "
                    + logits.length);
        }
        System.arraycopy(logits, 0, work, 0, vocabSize);
        applyPenalties();

        int argmax = -1;
        float max = Float.NEGATIVE_INFINITY;
        int finite = 0;
        for (int i = 0; i < vocabSize; i++) {
            float x = work[i];
            if (Float.isNaN(x) || x == Float.POSITIVE_INFINITY) {
                throw new InvalidRequestException("logits[" + i + "] must be finite or -Infinity, was " + x);
            }
            if (x > Float.NEGATIVE_INFINITY) {
                finite++;
                if (x > max) {
                    max = x;
                    argmax = i;
                }
            }
        }
        if (argmax < 0) {
            throw new InvalidRequestException("logits are all -Infinity: no token can be chosen");
        }

        Choice choice = cfg.greedy() ? greedy(argmax, max) : sample(max, finite);
        record(choice.tokenId());
        return choice;
    }

    private Choice greedy(int argmax, float max) {
        if (!cfg.logprobs()) {
            return new Choice(argmax, Float.NaN);
        }
        double z = 0.0;
        for (int i = 0; i < vocabSize; i++) {
            z += Math.exp((double) work[i] - max);
        }
        return new Choice(argmax, (float) -Math.log(z));
    }

    private Choice sample(float max, int finite) {
        double invT = 1.0 / cfg.temperature();
        int k = cfg.topK();
        int n;
        boolean sorted;
        if (k > 0 && k < finite) {
            n = selectTopK(k);
            sorted = true;
        } else {
            n = 0;
            for (int i = 0; i < vocabSize; i++) {
                if (work[i] > Float.NEGATIVE_INFINITY) {
                    kept[n++] = i;
                }
            }
            sorted = false;
        }

        double z = 0.0;
        for (int j = 0; j < n; j++) {
            int id = kept[j];
            double w = Math.exp(((double) work[id] - max) * invT);
            weight[id] = w;
            z += w;
        }

        if (cfg.topP() < 1.0) {
            if (!sorted) {
                n = sortNucleusPrefix(n, z, max, invT);
            }
            n = nucleus(n, z);
        }
        if (cfg.minP() > 0.0) {
            n = minP(n);
        }

        // The top token (weight exp(0) = 1) is always kept, so the total is > 0.
        double total = 0.0;
        for (int j = 0; j < n; j++) {
            total += weight[kept[j]];
        }
        double u = random.nextDouble() * total;
        double cumulative = 0.0;
        int chosen = -1;
        for (int j = 0; j < n; j++) {
            int id = kept[j];
            double w = weight[id];
            if (w > 0.0) {
                chosen = id;
                cumulative += w;
                if (u < cumulative) {
                    break;
                }
            }
        }
        float logprob = cfg.logprobs()
                ? (float) (((double) work[chosen] - max) * invT - Math.log(total))
                : Float.NaN;
        return new Choice(chosen, logprob);
    }

    /**
     * Puts the ids of the {@code k} largest logits into {@code kept}, in descending order, followed by every other
     * id tied with the {@code k}-th (in increasing id order): as transformers' TopKLogitsWarper, which removes only
     * the logits below the {@code k}-th largest value. Returns how many were kept.
     */
    private int selectTopK(int k) {
        // Max-heap (by key: the worst candidate on top) of the k best keys seen so far.
        int size = 0;
        for (int i = 0; i < vocabSize; i++) {
            float x = work[i];
            if (x == Float.NEGATIVE_INFINITY) {
                continue;
            }
            long key = key(x, i);
            if (size < k) {
                int c = size++;
                while (c > 0) {
                    int p = (c - 1) >>> 1;
                    if (keys[p] >= key) {
                        break;
                    }
                    keys[c] = keys[p];
                    c = p;
                }
                keys[c] = key;
            } else if (key < keys[0]) {
                int c = 0;
                while (true) {
                    int child = 2 * c + 1;
                    if (child >= size) {
                        break;
                    }
                    if (child + 1 < size && keys[child + 1] > keys[child]) {
                        child++;
                    }
                    if (keys[child] <= key) {
                        break;
                    }
                    keys[c] = keys[child];
                    c = child;
                }
                keys[c] = key;
            }
        }
        Arrays.sort(keys, 0, size);
        for (int j = 0; j < size; j++) {
            kept[j] = (int) keys[j];
        }
        // ties with the k-th value that lost on id: among equal logits the lower ids were taken first
        int last = kept[size - 1];
        float threshold = work[last];
        for (int i = last + 1; i < vocabSize; i++) {
            if (work[i] == threshold) {
                kept[size++] = i;
            }
        }
        return size;
    }

    /**
     * Reorders {@code kept} so that its first entries are, in descending order, every token down to a logit
     * threshold chosen so that their mass is at least {@code topP * z}; the nucleus is a prefix of that set.
     * Only that prefix is sorted. Returns its length.
     */
    private int sortNucleusPrefix(int n, double z, float max, double invT) {
        Arrays.fill(bucketMass, 0.0);
        for (int j = 0; j < n; j++) {
            int id = kept[j];
            bucketMass[bucket(work[id], max, invT)] += weight[id];
        }
        double target = cfg.topP() * z;
        double cumulative = 0.0;
        int last = BUCKETS - 1;
        for (int b = 0; b < BUCKETS; b++) {
            cumulative += bucketMass[b];
            if (cumulative >= target) {
                last = b;
                break;
            }
        }
        int s = 0;
        for (int j = 0; j < n; j++) {
            int id = kept[j];
            if (bucket(work[id], max, invT) <= last) {
                keys[s++] = key(work[id], id);
            }
        }
        Arrays.sort(keys, 0, s);
        for (int j = 0; j < s; j++) {
            kept[j] = (int) keys[j];
        }
        return s;
    }

    private static int bucket(float x, float max, double invT) {
        double d = ((double) max - x) * invT * BUCKETS_PER_NAT;
        return d >= BUCKETS - 1 ? BUCKETS - 1 : (int) d;
    }

    /** Length of the shortest prefix of the descending {@code kept} whose mass reaches {@code topP * z}. */
    private int nucleus(int n, double z) {
        double target = cfg.topP() * z;
        double cumulative = 0.0;
        for (int j = 0; j < n; j++) {
            cumulative += weight[kept[j]];
            if (cumulative >= target) {
                return j + 1;
            }
        }
        return n;
    }

    /**
     * Keeps tokens with {@code p >= minP * p_max}. Weights are {@code exp((x - max) / T)}, so the top token has
     * weight 1 and the condition is {@code weight >= minP} whatever the normalisation.
     */
    private int minP(int n) {
        double threshold = cfg.minP();
        int m = 0;
        for (int j = 0; j < n; j++) {
            int id = kept[j];
            if (weight[id] >= threshold) {
                kept[m++] = id;
            }
        }
        return m;
    }

    /** Sort key: ascending key order is descending logit, then ascending token id. */
    private static long key(float x, int id) {
        int bits = Float.floatToIntBits(x);
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // signed-int order equals float order
        return ((long) ~ordered << 32) | id;
    }

    private void applyPenalties() {
        if (repetition) {
            double penalty = cfg.repetitionPenalty();
            for (int j = 0; j < seenCount; j++) {
                int id = seenIds[j];
                float x = work[id];
                work[id] = (float) (x > 0 ? x / penalty : x * penalty);
            }
        }
        if (presenceFrequency) {
            double presence = cfg.presencePenalty();
            double frequency = cfg.frequencyPenalty();
            for (int j = 0; j < generatedDistinct; j++) {
                int id = generatedIds[j];
                work[id] = (float) (work[id] - (frequency * generatedCounts[id] + presence));
            }
        }
    }

    private void record(int id) {
        if (repetition) {
            markSeen(id);
        }
        if (presenceFrequency && generatedCounts[id]++ == 0) {
            if (generatedDistinct == generatedIds.length) {
                generatedIds = Arrays.copyOf(generatedIds, generatedDistinct * 2);
            }
            generatedIds[generatedDistinct++] = id;
        }
    }

    private void markSeen(int id) {
        if (!seen[id]) {
            seen[id] = true;
            if (seenCount == seenIds.length) {
                seenIds = Arrays.copyOf(seenIds, seenCount * 2);
            }
            seenIds[seenCount++] = id;
        }
    }
}
