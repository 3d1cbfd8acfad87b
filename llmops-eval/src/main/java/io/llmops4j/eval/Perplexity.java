package io.llmops4j.eval;

import io.llmops4j.core.LanguageModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Perplexity of a {@link LanguageModel} with the sliding window of Hugging Face's "Perplexity of fixed-length
 * models" guide.
 *
 * <p>Each text is encoded with the model's tokenizer (special tokens included, so a Llama text starts with BOS)
 * and scored on its own: windows of at most {@code maxLength} tokens start every {@code stride} tokens, and each
 * window scores only the tokens the previous window did not score, each predicted from all the earlier tokens of
 * its window; the last window ends at the text's end. A window's first token has no context in it and is never
 * scored, so with {@code stride < maxLength} every token but the first is scored once ({@code length - 1} per
 * text), and with {@code stride == maxLength} (disjoint windows) the first token of every window is skipped. The
 * result is the exponential of the mean negative log-likelihood over all scored tokens of all texts.
 *
 * <p>Unlike the guide's code, which weights each window's mean loss by its number of target tokens minus one, the
 * mean here is over exactly the tokens scored; the two differ slightly when {@code stride < maxLength}.
 */
public final class Perplexity {
    private Perplexity() {
    }

    /**
     * Perplexity over texts.
     *
     * @param model the model; its tokenizer encodes the texts
     * @param texts at least one text, each of at least 2 tokens once encoded
     * @param maxLength window length in tokens, 2..the model's context length
     * @param stride tokens between window starts, 1..maxLength
     * @throws InvalidMetricInputException for an argument out of range, an empty dataset or a text too short
     */
    public static PerplexityResult of(LanguageModel model, List<String> texts, int maxLength, int stride) {
        checkArguments(model, texts, maxLength, stride);
        if (!model.hasTokenizer()) {
            throw new InvalidMetricInputException("Perplexity: the model has no tokenizer.json; use ofTokens with "
                    + "token ids");
        }
        List<int[]> ids = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new InvalidMetricInputException("Perplexity: texts[" + i + "] is null");
            }
            ids.add(model.tokenizer().encode(texts.get(i)));
        }
        return compute(model, ids, maxLength, stride);
    }

    /**
     * Perplexity over token-id sequences (for checkpoints without a tokenizer, or pre-tokenized data).
     *
     * @throws InvalidMetricInputException as {@link #of}, naming the sequence at fault
     */
    public static PerplexityResult ofTokens(LanguageModel model, List<int[]> sequences, int maxLength, int stride) {
        checkArguments(model, sequences, maxLength, stride);
        return compute(model, sequences, maxLength, stride);
    }

    private static void checkArguments(LanguageModel model, List<?> texts, int maxLength, int stride) {
        if (model == null) {
            throw new InvalidMetricInputException("Perplexity: model must not be null");
        }
        int context = model.config().contextLength();
        if (maxLength < 2 || maxLength > context) {
            throw new InvalidMetricInputException("Perplexity: maxLength must be in [2, " + context
                    + "] (the model's context length), found " + maxLength);
        }
        if (stride < 1 || stride > maxLength) {
            throw new InvalidMetricInputException("Perplexity: stride must be in [1, maxLength = " + maxLength
                    + "], found " + stride);
        }
        if (texts == null || texts.isEmpty()) {
            throw new InvalidMetricInputException("Perplexity: at least one text is required, found "
                    + (texts == null ? "null" : "none"));
        }
    }

    private static PerplexityResult compute(LanguageModel model, List<int[]> sequences, int maxLength, int stride) {
        for (int i = 0; i < sequences.size(); i++) {
            int[] s = sequences.get(i);
            if (s == null || s.length < 2) {
                throw new InvalidMetricInputException("Perplexity: text " + i + " has " + (s == null ? "no" : s.length)
                        + " tokens; at least 2 are needed to score one");
            }
        }
        double nll = 0;
        long tokens = 0;
        for (int[] s : sequences) {
            int prevEnd = 0;
            for (int begin = 0; begin < s.length; begin += stride) {
                int end = Math.min(begin + maxLength, s.length);
                int firstScored = Math.max(prevEnd, begin + 1);
                float[][] logits = model.logits(Arrays.copyOfRange(s, begin, end));
                for (int t = firstScored; t < end; t++) {
                    nll += negativeLogLikelihood(logits[t - 1 - begin], s[t]);
                    tokens++;
                }
                prevEnd = end;
                if (end == s.length) {
                    break;
                }
            }
        }
        double mean = nll / tokens;
        return new PerplexityResult(Math.exp(mean), tokens, mean);
    }

    /** {@code -log softmax(logits)[target]}, computed stably in double. */
    private static double negativeLogLikelihood(float[] logits, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum) - logits[target];
    }
}
