package io.llmops4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DecodeKernel} on the Java Vector API, reading PyTorch's weight and cache memory in place through
 * {@link MemorySegment}s. Per layer: norm, the packed q/k/v product, rotary embedding, attention over the cache,
 * the output product, norm, the (gated) MLP; every matrix-vector product and the attention heads are split across
 * a {@link WorkerGang}. Compiled for Java 22 (final FFM API) and loaded only there; see {@link DecodeKernel}.
 */
final class VectorDecodeKernel implements DecodeKernel {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    /**
     * Rows per parallel chunk: enough that taking a chunk (one atomic increment) costs little next to streaming
     * it, few enough that the threads finish a product close together.
     */
    private static final int ROWS_PER_CHUNK = 64;
    private static final int SILU = 0;
    private static final int GELU_TANH = 1;
    private static final int RELU = 2;
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    private final ModelConfig cfg;
    private final boolean layerNorm;
    private final boolean gated;
    private final int activation;
    private final float eps;
    private final int hidden;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final int intermediate;
    private final int window;
    private final float[] fixedInverseFrequencies; // null when they depend on the length (dynamic RoPE)
    private final DecodeWeights weights; // keeps the arrays reachable while their memory is read
    private final MemorySegment tokenEmbedding;
    private final MemorySegment positionEmbedding;
    private final LayerSegments[] layers;
    private final NormSegments finalNorm;
    private final MemorySegment head;
    private final WorkerGang gang;

    // activations of the current step
    private final float[] x;
    private final float[] xn;
    private final float[] qkv;
    private final float[] attention;
    private final float[] mlp;
    private final float[] mlpOut;

    private record NormSegments(MemorySegment weight, MemorySegment bias) {
    }

    private record LayerSegments(NormSegments attentionNorm, MemorySegment qkv, MemorySegment qkvBias, MemorySegment o,
                                 MemorySegment oBias, NormSegments mlpNorm, MemorySegment up, MemorySegment upBias,
                                 MemorySegment down, MemorySegment downBias) {
    }

    VectorDecodeKernel(DecodeWeights weights, int threads) {
        this.weights = weights;
        this.cfg = weights.config();
        this.layerNorm = cfg.architecture() == Architecture.GPT2;
        this.gated = !layerNorm;
        this.activation = switch (cfg.activation()) {
            case "silu", "swish" -> SILU;
            case "gelu_new", "gelu_pytorch_tanh" -> GELU_TANH;
            case "relu" -> RELU;
            default -> throw new IllegalArgumentException("the decode kernel has no activation " + cfg.activation());
        };
        this.eps = (float) cfg.normEps();
        this.hidden = cfg.hiddenSize();
        this.heads = cfg.numHeads();
        this.kvHeads = cfg.numKvHeads();
        this.headDim = cfg.headDim();
        this.intermediate = cfg.intermediateSize();
        this.window = cfg.slidingWindow();
        this.fixedInverseFrequencies = cfg.rope() == null || cfg.rope().dependsOnLength() ? null
                : cfg.rope().inverseFrequencies(1);
        this.tokenEmbedding = segment(weights.tokenEmbedding(), (long) cfg.vocabSize() * hidden);
        this.positionEmbedding = weights.positionEmbedding() == null ? null
                : segment(weights.positionEmbedding(), (long) cfg.maxPositions() * hidden);
        int qkvRows = (heads + 2 * kvHeads) * headDim;
        int upRows = gated ? 2 * intermediate : intermediate;
        List<DecodeWeights.Layer> src = weights.layers();
        this.layers = new LayerSegments[src.size()];
        for (int i = 0; i < layers.length; i++) {
            DecodeWeights.Layer l = src.get(i);
            layers[i] = new LayerSegments(norm(l.attentionNorm()), segment(l.qkv(), (long) qkvRows * hidden),
                    optional(l.qkvBias(), qkvRows), segment(l.o(), (long) hidden * heads * headDim),
                    optional(l.oBias(), hidden), norm(l.mlpNorm()), segment(l.up(), (long) upRows * hidden),
                    optional(l.upBias(), upRows), segment(l.down(), (long) hidden * intermediate),
                    optional(l.downBias(), hidden));
        }
        this.finalNorm = norm(weights.finalNorm());
        this.head = segment(weights.head(), (long) cfg.vocabSize() * hidden);
        this.x = new float[hidden];
        this.xn = new float[hidden];
        this.qkv = new float[qkvRows];
        this.attention = new float[heads * headDim];
        this.mlp = new float[intermediate];
        this.mlpOut = new float[hidden];
        this.gang = new WorkerGang(threads, "llmops-decode");
    }

    private NormSegments norm(DecodeWeights.Norm n) {
        return new NormSegments(segment(n.weight(), hidden), optional(n.bias(), hidden));
    }

    private static MemorySegment optional(NDArray array, long floats) {
        return array == null ? null : segment(array, floats);
    }

    /** The memory of a contiguous float32 CPU tensor of {@code floats} elements, without copying it. */
    private static MemorySegment segment(NDArray array, long floats) {
        if (!(array instanceof PtNDArray pt) || array.getDevice().isGpu()
                || array.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32 || array.size() != floats) {
            throw new IllegalArgumentException("the decode kernel needs float32 CPU tensors of " + floats
                    + " elements, found " + array.getDataType() + " " + array.getShape() + " on " + array.getDevice());
        }
        ByteBuffer buffer = JniUtils.getByteBuffer(pt, true);
        if (!buffer.isDirect() || buffer.capacity() != floats * Float.BYTES) {
            throw new IllegalArgumentException("the decode kernel needs a contiguous tensor, found " + array.getShape()
                    + " exposing " + buffer.capacity() + " bytes");
        }
        return MemorySegment.ofBuffer(buffer);
    }

    /** Serialised: the activation buffers and the worker gang serve one step at a time. */
    @Override
    public synchronized float[] step(int token, int position, KvCache cache) {
        if (position >= cache.capacity()) {
            throw new IllegalArgumentException("sequence of " + (position + 1) + " tokens exceeds the cache capacity "
                    + cache.capacity());
        }
        if (position != cache.length()) {
            throw new IllegalArgumentException("the cache holds " + cache.length() + " positions, the step is at "
                    + position);
        }
        MemorySegment.copy(tokenEmbedding, FLOAT, (long) token * hidden * Float.BYTES, x, 0, hidden);
        if (positionEmbedding != null) {
            for (int i = 0; i < hidden; i++) {
                x[i] += positionEmbedding.getAtIndex(FLOAT, (long) position * hidden + i);
            }
        }
        float[] cos = null;
        float[] sin = null;
        if (cfg.rope() != null) {
            float[] inv = fixedInverseFrequencies != null ? fixedInverseFrequencies
                    : cfg.rope().inverseFrequencies(position + 1);
            cos = new float[inv.length];
            sin = new float[inv.length];
            for (int i = 0; i < inv.length; i++) {
                float angle = (float) position * inv[i]; // float32, as RotaryTables and transformers
                cos[i] = (float) Math.cos(angle);
                sin[i] = (float) Math.sin(angle);
            }
        }
        for (int l = 0; l < layers.length; l++) {
            LayerSegments w = layers[l];
            normalize(x, w.attentionNorm(), xn);
            matVec(w.qkv(), w.qkvBias(), xn, hidden, qkv, qkv.length);
            if (cos != null) {
                for (int h = 0; h < heads + kvHeads; h++) { // queries and keys
                    rotate(qkv, h * headDim, cos, sin);
                }
            }
            MemorySegment keys = segment(cache.keys(l), (long) kvHeads * cache.capacity() * headDim);
            MemorySegment values = segment(cache.values(l), (long) kvHeads * cache.capacity() * headDim);
            for (int g = 0; g < kvHeads; g++) {
                long slot = ((long) g * cache.capacity() + position) * headDim * Float.BYTES;
                MemorySegment.copy(qkv, (heads + g) * headDim, keys, FLOAT, slot, headDim);
                MemorySegment.copy(qkv, (heads + kvHeads + g) * headDim, values, FLOAT, slot, headDim);
            }
            attend(keys, values, cache.capacity(), position);
            matVec(w.o(), w.oBias(), attention, attention.length, mlpOut, hidden);
            add(x, mlpOut);
            normalize(x, w.mlpNorm(), xn);
            mlpHidden(w);
            matVec(w.down(), w.downBias(), mlp, intermediate, mlpOut, hidden);
            add(x, mlpOut);
        }
        cache.advanceTo(position + 1);
        normalize(x, finalNorm, xn);
        float[] logits = new float[cfg.vocabSize()];
        matVec(head, null, xn, hidden, logits, logits.length);
        return logits;
    }

    /** RMSNorm {@code x / sqrt(mean(x^2) + eps) * w} or LayerNorm {@code (x - mean) / sqrt(var + eps) * w + b}. */
    private void normalize(float[] in, NormSegments n, float[] out) {
        float mean = 0;
        if (layerNorm) {
            float sum = 0;
            for (float v : in) {
                sum += v;
            }
            mean = sum / hidden;
        }
        float squares = 0;
        for (float v : in) {
            float c = v - mean;
            squares += c * c;
        }
        float scale = (float) (1.0 / Math.sqrt(squares / hidden + eps));
        for (int i = 0; i < hidden; i++) {
            float v = (in[i] - mean) * scale * n.weight().getAtIndex(FLOAT, i);
            out[i] = n.bias() == null ? v : v + n.bias().getAtIndex(FLOAT, i);
        }
    }

    /** Hugging Face's rotate_half rotation of one head: channel i pairs with channel i + dim/2. */
    private void rotate(float[] v, int offset, float[] cos, float[] sin) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            float a = v[offset + i];
            float b = v[offset + half + i];
            v[offset + i] = a * cos[i] - b * sin[i];
            v[offset + half + i] = b * cos[i] + a * sin[i];
        }
    }

    /**
     * softmax(q k^T / sqrt(d)) v for every query head over the cached positions it may see (all up to
     * {@code position}, or the last {@code window} of them), heads sharing a key/value head as in GQA.
     */
    private void attend(MemorySegment keys, MemorySegment values, int capacity, int position) {
        int first = window > 0 ? Math.max(0, position - window + 1) : 0;
        int groups = heads / kvHeads;
        float scale = 1.0f / (float) Math.sqrt(headDim);
        int chunks = position < 32 ? 1 : heads; // short histories are not worth a hand-over
        gang.run(chunks, c -> {
            float[] scores = new float[position - first + 1];
            for (int h = part(heads, c, chunks); h < part(heads, c + 1, chunks); h++) {
                long base = (long) (h / groups) * capacity * headDim * Float.BYTES;
                float max = Float.NEGATIVE_INFINITY;
                for (int s = first; s <= position; s++) {
                    float dot = dot(keys, base + (long) s * headDim * Float.BYTES, qkv, h * headDim, headDim) * scale;
                    scores[s - first] = dot;
                    max = Math.max(max, dot);
                }
                float sum = 0;
                for (int s = 0; s < scores.length; s++) {
                    scores[s] = (float) Math.exp(scores[s] - max);
                    sum += scores[s];
                }
                java.util.Arrays.fill(attention, h * headDim, (h + 1) * headDim, 0f);
                for (int s = first; s <= position; s++) {
                    axpy(scores[s - first] / sum, values, base + (long) s * headDim * Float.BYTES, attention, h * headDim,
                            headDim);
                }
            }
        });
    }

    /** {@code y[from .. from+n) += a * m[offset ..]}. */
    private static void axpy(float a, MemorySegment m, long offset, float[] y, int from, int n) {
        int i = 0;
        if (n >= LANES) {
            FloatVector av = FloatVector.broadcast(SPECIES, a);
            for (; i + LANES <= n; i += LANES) {
                load(m, offset + (long) i * Float.BYTES).fma(av, FloatVector.fromArray(SPECIES, y, from + i))
                        .intoArray(y, from + i);
            }
        }
        for (; i < n; i++) {
            y[from + i] += a * m.get(FLOAT, offset + (long) i * Float.BYTES);
        }
    }

    /** {@code out[0..rows) = W in (+ b)} for {@code W [rows, cols]} in memory, rows split across the gang. */
    private void matVec(MemorySegment w, MemorySegment bias, float[] in, int cols, float[] out, int rows) {
        int chunks = Math.max(1, rows / ROWS_PER_CHUNK);
        gang.run(chunks, c -> {
            for (int r = part(rows, c, chunks); r < part(rows, c + 1, chunks); r++) {
                out[r] = row(w, bias, r, in, cols);
            }
        });
    }

    /**
     * The MLP's hidden activations from the normed input: {@code act(gate) * up} (gate rows first, then up rows, in
     * the packed matrix) or GPT-2's {@code act(fc)}, each chunk computing its rows' products and activations.
     */
    private void mlpHidden(LayerSegments w) {
        int chunks = Math.max(1, intermediate / ROWS_PER_CHUNK);
        gang.run(chunks, c -> {
            for (int i = part(intermediate, c, chunks); i < part(intermediate, c + 1, chunks); i++) {
                float a = activate(row(w.up(), w.upBias(), i, xn, hidden));
                mlp[i] = gated ? a * row(w.up(), w.upBias(), intermediate + i, xn, hidden) : a;
            }
        });
    }

    /** Where chunk {@code c} of {@code chunks} equal parts of {@code n} items starts. */
    private static int part(int n, int c, int chunks) {
        return (int) ((long) n * c / chunks);
    }

    /** Row {@code r} of {@code W [*, cols]} times {@code in}, plus {@code bias[r]} when there is a bias. */
    private static float row(MemorySegment w, MemorySegment bias, int r, float[] in, int cols) {
        float v = dot(w, (long) r * cols * Float.BYTES, in, 0, cols);
        return bias == null ? v : v + bias.getAtIndex(FLOAT, r);
    }

    /** The dot product of {@code n} floats of {@code m} at byte {@code offset} with {@code v[from ..]}. */
    private static float dot(MemorySegment m, long offset, float[] v, int from, int n) {
        int i = 0;
        float sum = 0;
        if (n >= 4 * LANES) {
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = FloatVector.zero(SPECIES);
            FloatVector a2 = FloatVector.zero(SPECIES);
            FloatVector a3 = FloatVector.zero(SPECIES);
            int step = 4 * LANES;
            for (; i + step <= n; i += step) {
                long o = offset + (long) i * Float.BYTES;
                a0 = load(m, o).fma(FloatVector.fromArray(SPECIES, v, from + i), a0);
                a1 = load(m, o + LANES * Float.BYTES).fma(FloatVector.fromArray(SPECIES, v, from + i + LANES), a1);
                a2 = load(m, o + 2L * LANES * Float.BYTES).fma(FloatVector.fromArray(SPECIES, v, from + i + 2 * LANES), a2);
                a3 = load(m, o + 3L * LANES * Float.BYTES).fma(FloatVector.fromArray(SPECIES, v, from + i + 3 * LANES), a3);
            }
            for (; i + LANES <= n; i += LANES) {
                a0 = load(m, offset + (long) i * Float.BYTES).fma(FloatVector.fromArray(SPECIES, v, from + i), a0);
            }
            sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            sum += m.get(FLOAT, offset + (long) i * Float.BYTES) * v[from + i];
        }
        return sum;
    }

    private static FloatVector load(MemorySegment m, long offset) {
        return FloatVector.fromMemorySegment(SPECIES, m, offset, ByteOrder.nativeOrder());
    }

    private static void add(float[] acc, float[] v) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += v[i];
        }
    }

    private float activate(float v) {
        return switch (activation) {
            case SILU -> v / (1f + (float) Math.exp(-v));
            case GELU_TANH -> 0.5f * v * (1f + (float) Math.tanh(SQRT_2_OVER_PI * (v + 0.044715f * v * v * v)));
            default -> Math.max(v, 0f);
        };
    }

    @Override
    public void close() {
        gang.close();
    }
}
