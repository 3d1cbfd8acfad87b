package io.llmops4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DecodeKernel} on the Java Vector API, reading PyTorch's weight and cache memory in place through
 * {@link MemorySegment}s. Per layer: norm, the packed q/k/v product, (Qwen3) per-head query and key norms, rotary
 * embedding, attention over the cache,
 * the output product, norm, the (gated) MLP; every matrix-vector product and the attention heads are split across
 * a {@link WorkerGang}. Compiled for Java 22 (final FFM API) and loaded only there; see {@link DecodeKernel}.
 */
final class VectorDecodeKernel implements DecodeKernel {
    /**
     * The platform's vectors, at most 256 bits: streaming matrix rows with 512-bit loads measured 20-30 GB/s
     * against 37-43 GB/s with 256-bit loads at 2 threads on the Zen 5 benchmark machine (docs/BENCHMARKS.md).
     */
    private static final VectorSpecies<Float> SPECIES = VectorSpecies.of(float.class,
            VectorShape.forBitSize(Math.min(256, FloatVector.SPECIES_PREFERRED.vectorBitSize())));
    private static final int LANES = SPECIES.length();
    /**
     * The platform's widest vectors, for the prompt path's four-by-four blocks ({@link #dotRows4}), which are bound
     * by multiply-adds rather than by memory: 512 bits made prompts 1.16x (128 tokens) and 1.31x (8 tokens) faster on
     * the Zen 5 benchmark machine at 2 threads, 1.07x on the Intel one (docs/BENCHMARKS.md).
     */
    private static final VectorSpecies<Float> WIDE = FloatVector.SPECIES_PREFERRED;
    private static final int WIDE_LANES = WIDE.length();
    /**
     * Vectors are loaded with {@code FloatVector.fromMemorySegment} at each use, not through a helper method: a
     * helper that returns a vector must be inlined to stay in registers, and once the JIT had compiled it on its
     * own (as happened in a JVM that had run several other models) every load boxed a vector on the heap.
     */
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ORDER);
    /** The smallest chunk's rows per stretch (see {@link #guided}): 32 rows over four streams. */
    private static final int MIN_PIECE = 8;
    /** Far-apart row streams each chunk reads side by side (see {@link #streams}). */
    private static final int STREAMS = 4;
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
    private final int[] windows; // per layer, 0 for full attention
    private final float[] fixedInverseFrequencies; // null when they depend on the length (dynamic RoPE)
    private final DecodeWeights weights; // keeps the arrays reachable while their memory is read
    private final MemorySegment tokenEmbedding;
    private final MemorySegment positionEmbedding;
    private final LayerSegments[] layers;
    private final NormSegments finalNorm;
    private final MemorySegment head;
    private final WorkerGang gang;
    private final HugePages hugePages;
    private final Scratch[] scratch; // one per gang participant
    private final AttentionTask attentionTask = new AttentionTask();
    private final ProductTask productTask = new ProductTask();
    private final MlpTask mlpTask = new MlpTask();
    private Activations single; // single steps', kept; guarded by this
    private Activations several; // the last pass of several positions', reused while the count stays; guarded by this
    private boolean closed; // guarded by this
    private final int qkvRows;
    private final int[] qkvCuts; // chunk cuts along a stretch of each product's rows (see #guided)
    private final int[] hiddenCuts;
    private final int[] mlpCuts;
    private final int[] vocabCuts;

    /**
     * The activations of one pass of {@code t} positions. Kept between passes, so that decoding (one position
     * after another) allocates nothing per token: fresh heap pages cost the JVM a page fault each, which
     * measured 0.9 ms per token of the 110M benchmark model (about 9%) while the heap was young. Single steps keep
     * theirs apart from the prompt's, so that a new generation's prompt pass does not replace them.
     */
    private final class Activations {
        final int positions;
        final float[][] x;
        final float[][] normed;
        final float[][] qkv;
        final float[][] attention;
        final float[][] mlp;
        final float[][] out;
        final float[][] cos;
        final float[][] sin;
        final float[][] last = new float[1][];
        final float[][] lastNormed = new float[1][hidden];
        final float[][] logits = new float[1][]; // the caller's array, held for the head's product

        Activations(int t) {
            positions = t;
            x = new float[t][hidden];
            normed = new float[t][hidden];
            qkv = new float[t][qkvRows];
            attention = new float[t][heads * headDim];
            mlp = new float[t][intermediate];
            out = new float[t][hidden];
            int frequencies = cfg.rope() == null ? 0 : cfg.rope().inverseFrequencies(1).length;
            cos = new float[t][frequencies];
            sin = new float[t][frequencies];
        }
    }

    /** A participant's working space inside a parallel chunk; see {@link WorkerGang.Chunk}. */
    private static final class Scratch {
        final int[] bounds = new int[2 * STREAMS];
        final float[] products = new float[STREAMS * MAX_POSITIONS]; // four rows' products with each position
        final float[] values = new float[MAX_POSITIONS]; // a row's products with each position (an MLP unit's gate)
        final float[] up = new float[MAX_POSITIONS];
        float[] scores = new float[64];

        float[] scores(int n) {
            if (scores.length < n) {
                scores = new float[Math.max(n, 2 * scores.length)];
            }
            return scores;
        }
    }

    private record NormSegments(MemorySegment weight, MemorySegment bias) {
    }

    /** One layer's tensors; {@code qNorm} and {@code kNorm} ({@code [headDim]} scales) are null but for Qwen3. */
    private record LayerSegments(NormSegments attentionNorm, MemorySegment qkv, MemorySegment qkvBias,
                                 MemorySegment qNorm, MemorySegment kNorm, MemorySegment o, MemorySegment oBias,
                                 NormSegments mlpNorm, MemorySegment up, MemorySegment upBias, MemorySegment down,
                                 MemorySegment downBias) {
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
        this.windows = cfg.slidingWindows().stream().mapToInt(Integer::intValue).toArray();
        this.fixedInverseFrequencies = cfg.rope() == null || cfg.rope().dependsOnLength() ? null
                : cfg.rope().inverseFrequencies(1);
        this.tokenEmbedding = segment(weights.tokenEmbedding(), (long) cfg.vocabSize() * hidden);
        this.positionEmbedding = weights.positionEmbedding() == null ? null
                : segment(weights.positionEmbedding(), (long) cfg.maxPositions() * hidden);
        this.qkvRows = (heads + 2 * kvHeads) * headDim;
        int upRows = gated ? 2 * intermediate : intermediate;
        List<DecodeWeights.Layer> src = weights.layers();
        this.layers = new LayerSegments[src.size()];
        for (int i = 0; i < layers.length; i++) {
            DecodeWeights.Layer l = src.get(i);
            layers[i] = new LayerSegments(norm(l.attentionNorm()), segment(l.qkv(), (long) qkvRows * hidden),
                    optional(l.qkvBias(), qkvRows), headNorm(l.qNorm()), headNorm(l.kNorm()),
                    segment(l.o(), (long) hidden * heads * headDim),
                    optional(l.oBias(), hidden), norm(l.mlpNorm()), segment(l.up(), (long) upRows * hidden),
                    optional(l.upBias(), upRows), segment(l.down(), (long) hidden * intermediate),
                    optional(l.downBias(), hidden));
        }
        this.finalNorm = norm(weights.finalNorm());
        this.head = segment(weights.head(), (long) cfg.vocabSize() * hidden);
        this.gang = new WorkerGang(threads, "llmops-decode");
        int ways = gang.participants();
        this.qkvCuts = guided(stretch(qkvRows, STREAMS), ways);
        this.hiddenCuts = guided(stretch(hidden, STREAMS), ways);
        this.mlpCuts = guided(stretch(intermediate, mlpStretches()), ways);
        this.vocabCuts = guided(stretch(cfg.vocabSize(), STREAMS), ways);
        this.scratch = new Scratch[ways];
        for (int i = 0; i < scratch.length; i++) {
            scratch[i] = new Scratch();
        }
        List<MemorySegment> streamed = new ArrayList<>(List.of(tokenEmbedding, head));
        for (LayerSegments l : layers) {
            streamed.addAll(List.of(l.qkv(), l.o(), l.up(), l.down()));
        }
        this.hugePages = HugePages.collapseInBackground(streamed);
    }

    private NormSegments norm(DecodeWeights.Norm n) {
        return new NormSegments(segment(n.weight(), hidden), optional(n.bias(), hidden));
    }

    /** A per-head norm's scale ({@code headDim} floats), or null when the model has none. */
    private MemorySegment headNorm(DecodeWeights.Norm n) {
        return n == null ? null : segment(n.weight(), headDim);
    }

    private static MemorySegment optional(NDArray array, long floats) {
        return array == null ? null : segment(array, floats);
    }

    /**
     * The memory of a float32 CPU tensor of {@code floats} elements, read in place (no copy, any size). DJL exposes a
     * tensor's memory only as a direct buffer, which stops at 2 GiB and is a silent copy for a non-contiguous
     * tensor; so this takes the address of the first element from a one-element view and checks, with one more
     * view per dimension, that the tensor is laid out row-major without gaps before reading that many bytes from
     * there.
     */
    private static MemorySegment segment(NDArray array, long floats) {
        if (!(array instanceof PtNDArray) || array.getDevice().isGpu()
                || array.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32 || array.size() != floats) {
            throw new IllegalArgumentException("the decode kernel needs float32 CPU tensors of " + floats
                    + " elements, found " + array.getDataType() + " " + array.getShape() + " on " + array.getDevice());
        }
        long[] shape = array.getShape().getShape();
        try (ai.djl.ndarray.NDManager scratch = array.getManager().newSubManager()) {
            long first = elementAddress(array, new long[shape.length], scratch);
            long stride = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                if (shape[d] > 1) {
                    long[] index = new long[shape.length];
                    index[d] = 1;
                    if (elementAddress(array, index, scratch) - first != stride * Float.BYTES) {
                        throw new IllegalArgumentException("the decode kernel needs contiguous tensors, found a "
                                + "non-contiguous " + array.getShape());
                    }
                }
                stride *= shape[d];
            }
            return MemorySegment.ofAddress(first).reinterpret(floats * Float.BYTES);
        }
    }

    /** The memory of a tensor known to be contiguous: {@code floats} floats from its first element's address. */
    private static MemorySegment at(NDArray array, long floats) {
        try (ai.djl.ndarray.NDManager scratch = array.getManager().newSubManager()) {
            long first = elementAddress(array, new long[array.getShape().dimension()], scratch);
            return MemorySegment.ofAddress(first).reinterpret(floats * Float.BYTES);
        }
    }

    /** The address of one element of {@code array}, through a one-element view of it. */
    private static long elementAddress(NDArray array, long[] index, ai.djl.ndarray.NDManager scratch) {
        NDArray element = array.get(new ai.djl.ndarray.index.NDIndex(index));
        element.attach(scratch);
        ByteBuffer buffer = JniUtils.getByteBuffer((PtNDArray) element, true);
        return MemorySegment.ofBuffer(buffer).address();
    }

    /** The key and value memory of every layer of {@code cache}, found once per cache. */
    private MemorySegment[][] cacheSegments(KvCache cache) {
        if (cache.kernelView() instanceof MemorySegment[][] known) {
            return known;
        }
        long floats = (long) kvHeads * cache.capacity() * headDim;
        MemorySegment[][] views = new MemorySegment[2][layers.length];
        for (int l = 0; l < layers.length; l++) {
            // KvCache allocates each tensor whole (zeros), so its layout is known to be contiguous
            views[0][l] = at(cache.keys(l), floats);
            views[1][l] = at(cache.values(l), floats);
        }
        cache.kernelView(views);
        return views;
    }

    /** Serialised: the worker gang serves one forward pass at a time, and close waits for a running one. */
    @Override
    public synchronized void forward(int[] tokens, int start, int ropeLength, KvCache cache, float[] logits) {
        if (closed) {
            throw new IllegalStateException("the decode kernel is closed (its model was closed)");
        }
        int t = tokens.length;
        if (start + t > cache.capacity()) {
            throw new IllegalArgumentException("sequence of " + (start + t) + " tokens exceeds the cache capacity "
                    + cache.capacity());
        }
        if (t == 1 && single == null) {
            single = new Activations(1);
        } else if (t > 1 && (several == null || several.positions != t)) {
            several = new Activations(t);
        }
        Activations a = t == 1 ? single : several;
        float[][] x = a.x;
        for (int p = 0; p < t; p++) {
            MemorySegment.copy(tokenEmbedding, FLOAT, (long) tokens[p] * hidden * Float.BYTES, x[p], 0, hidden);
            if (positionEmbedding != null) {
                for (int i = 0; i < hidden; i++) {
                    x[p][i] += positionEmbedding.getAtIndex(FLOAT, (long) (start + p) * hidden + i);
                }
            }
        }
        float[][] cos = null;
        float[][] sin = null;
        if (cfg.rope() != null) {
            float[] inv = fixedInverseFrequencies != null ? fixedInverseFrequencies
                    : cfg.rope().inverseFrequencies(ropeLength);
            cos = a.cos;
            sin = a.sin;
            for (int p = 0; p < t; p++) {
                for (int i = 0; i < inv.length; i++) {
                    float angle = (float) (start + p) * inv[i]; // float32, as RotaryTables and transformers
                    cos[p][i] = (float) Math.cos(angle);
                    sin[p][i] = (float) Math.sin(angle);
                }
            }
        }
        MemorySegment[][] kv = cacheSegments(cache);
        float[][] xn = a.normed;
        float[][] qkv = a.qkv;
        float[][] attention = a.attention;
        float[][] mlp = a.mlp;
        float[][] out = a.out;
        for (int l = 0; l < layers.length; l++) {
            LayerSegments w = layers[l];
            normalize(x, w.attentionNorm(), xn);
            matMul(w.qkv(), w.qkvBias(), xn, hidden, qkv, qkvRows, qkvCuts);
            MemorySegment keys = kv[0][l];
            MemorySegment values = kv[1][l];
            for (int p = 0; p < t; p++) {
                if (w.qNorm() != null) {
                    normalizeHeads(qkv[p], w.qNorm(), w.kNorm());
                }
                if (cos != null) {
                    for (int h = 0; h < heads + kvHeads; h++) { // queries and keys
                        rotate(qkv[p], h * headDim, cos[p], sin[p]);
                    }
                }
                for (int g = 0; g < kvHeads; g++) {
                    long slot = ((long) g * cache.capacity() + start + p) * headDim * Float.BYTES;
                    MemorySegment.copy(qkv[p], (heads + g) * headDim, keys, FLOAT, slot, headDim);
                    MemorySegment.copy(qkv[p], (heads + kvHeads + g) * headDim, values, FLOAT, slot, headDim);
                }
            }
            attend(qkv, keys, values, cache.capacity(), start, windows[l], attention);
            matMul(w.o(), w.oBias(), attention, heads * headDim, out, hidden, hiddenCuts);
            add(x, out);
            normalize(x, w.mlpNorm(), xn);
            mlpHidden(w, xn, mlp);
            matMul(w.down(), w.downBias(), mlp, intermediate, out, hidden, hiddenCuts);
            add(x, out);
        }
        cache.advanceTo(start + t);
        if (logits == null) {
            return;
        }
        a.last[0] = x[t - 1];
        normalize(a.last, finalNorm, a.lastNormed);
        a.logits[0] = logits;
        matMul(head, null, a.lastNormed, hidden, a.logits, cfg.vocabSize(), vocabCuts);
        a.logits[0] = null;
    }

    /** RMSNorm {@code x / sqrt(mean(x^2) + eps) * w} or LayerNorm {@code (x - mean) / sqrt(var + eps) * w + b}. */
    private void normalize(float[][] in, NormSegments n, float[][] out) {
        for (int p = 0; p < in.length; p++) {
            normalize(in[p], n, out[p]);
        }
    }

    private void normalize(float[] in, NormSegments n, float[] out) {
        normalize(in, 0, hidden, layerNorm, n.weight(), n.bias(), out);
    }

    /**
     * Qwen3's q_norm and k_norm on one position's q/k/v product, in place: each query head RMS-normalised with
     * {@code qNorm}'s scale, each key head with {@code kNorm}'s (values untouched), before RoPE as in transformers.
     */
    private void normalizeHeads(float[] qkv, MemorySegment qNorm, MemorySegment kNorm) {
        for (int h = 0; h < heads + kvHeads; h++) {
            normalize(qkv, h * headDim, headDim, false, h < heads ? qNorm : kNorm, null, qkv);
        }
    }

    /**
     * The norm of {@code in[offset .. offset+width)} into the same places of {@code out} ({@code out} may be
     * {@code in}): RMSNorm, or LayerNorm when {@code centred}; {@code bias} may be null.
     */
    private void normalize(float[] in, int offset, int width, boolean centred, MemorySegment weight,
                           MemorySegment bias, float[] out) {
        float mean = 0;
        if (centred) {
            float sum = 0;
            for (int i = offset; i < offset + width; i++) {
                sum += in[i];
            }
            mean = sum / width;
        }
        float squares = 0;
        for (int i = offset; i < offset + width; i++) {
            float c = in[i] - mean;
            squares += c * c;
        }
        float scale = (float) (1.0 / Math.sqrt(squares / width + eps));
        for (int i = 0; i < width; i++) {
            float v = (in[offset + i] - mean) * scale * weight.getAtIndex(FLOAT, i);
            out[offset + i] = bias == null ? v : v + bias.getAtIndex(FLOAT, i);
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
     * softmax(q k^T / sqrt(d)) v for every query head of every new position {@code start + p} over the cached
     * positions it may see (all up to its own, or the last {@code window} of them), heads sharing a key/value head
     * as in GQA. The keys and values of the new positions are in the cache already. Short histories (below 32
     * positions) go to the gang as one chunk per participant, so that a chunk's hand-over is worth its work; longer
     * ones as one chunk per pair, which the participants share out as they finish. Short histories used to run on
     * the caller alone; splitting them made decoding 1.3% faster (95% CI 0.3 to 2.4%, docs/BENCHMARKS.md).
     */
    private void attend(float[][] qkv, MemorySegment keys, MemorySegment values, int capacity, int start, int window,
                        float[][] attention) {
        int pairs = qkv.length * heads;
        int chunks = start + qkv.length < 32 ? Math.min(gang.participants(), pairs) : pairs;
        attentionTask.set(qkv, keys, values, capacity, start, window, attention, pairs, chunks);
        gang.run(chunks, attentionTask);
    }

    /**
     * {@link #attend}'s chunks: one object per kernel whose fields hold the current call's arguments, rather than a
     * capturing lambda per call, so that a decoding step allocates nothing (docs/BENCHMARKS.md). Written by the
     * caller before the gang publishes the loop, read by the participants.
     */
    private final class AttentionTask implements WorkerGang.Chunk {
        private float[][] qkv;
        private MemorySegment keys;
        private MemorySegment values;
        private int capacity;
        private int start;
        private int window;
        private float[][] attention;
        private int pairs;
        private int chunks;

        void set(float[][] qkv, MemorySegment keys, MemorySegment values, int capacity, int start, int window,
                 float[][] attention, int pairs, int chunks) {
            this.qkv = qkv;
            this.keys = keys;
            this.values = values;
            this.capacity = capacity;
            this.start = start;
            this.window = window;
            this.attention = attention;
            this.pairs = pairs;
            this.chunks = chunks;
        }

        @Override
        public void run(int c, int who) {
            attendChunk(qkv, keys, values, capacity, start, window, attention, pairs, chunks, c, who);
        }
    }

    /** Chunk {@code c} of {@link #attend}'s query head and position pairs, on participant {@code who}. */
    private void attendChunk(float[][] qkv, MemorySegment keys, MemorySegment values, int capacity, int start,
                             int window, float[][] attention, int pairs, int chunks, int c, int who) {
        int groups = heads / kvHeads;
        float scale = 1.0f / (float) Math.sqrt(headDim);
        for (int pair = part(pairs, c, chunks); pair < part(pairs, c + 1, chunks); pair++) {
            int p = pair / heads;
            int h = pair % heads;
            int position = start + p;
            int first = window > 0 ? Math.max(0, position - window + 1) : 0;
            long base = (long) (h / groups) * capacity * headDim * Float.BYTES;
            int seen = position - first + 1;
            float[] scores = scratch[who].scores(seen);
            float max = Float.NEGATIVE_INFINITY;
            for (int s = first; s <= position; s++) {
                float dot = dot(keys, base + (long) s * headDim * Float.BYTES, qkv[p], h * headDim, headDim) * scale;
                scores[s - first] = dot;
                max = Math.max(max, dot);
            }
            float sum = 0;
            for (int s = 0; s < seen; s++) {
                scores[s] = (float) Math.exp(scores[s] - max);
                sum += scores[s];
            }
            for (int s = 0; s < seen; s++) {
                scores[s] /= sum;
            }
            weigh(scores, seen, values, base + (long) first * headDim * Float.BYTES, attention[p], h * headDim);
        }
    }

    /**
     * {@code y[at + d] = sum_s w[s] * V[s][d]} over the {@code n} value rows of {@code headDim} floats that start at
     * byte {@code offset} of {@code v}: one head's attention output. Four vectors of the sums stay in registers over
     * all rows, rather than the output being read and written back once per row: decode 2.0% faster (95% CI 0.9 to
     * 3.2%) in a paired comparison on the 110M model (docs/BENCHMARKS.md).
     */
    private void weigh(float[] w, int n, MemorySegment v, long offset, float[] y, int at) {
        long row = (long) headDim * Float.BYTES;
        long lane = (long) LANES * Float.BYTES;
        int d = 0;
        for (; d + 4 * LANES <= headDim; d += 4 * LANES) {
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = FloatVector.zero(SPECIES);
            FloatVector a2 = FloatVector.zero(SPECIES);
            FloatVector a3 = FloatVector.zero(SPECIES);
            long o = offset + (long) d * Float.BYTES;
            for (int s = 0; s < n; s++, o += row) {
                FloatVector ws = FloatVector.broadcast(SPECIES, w[s]);
                a0 = FloatVector.fromMemorySegment(SPECIES, v, o, ORDER).fma(ws, a0);
                a1 = FloatVector.fromMemorySegment(SPECIES, v, o + lane, ORDER).fma(ws, a1);
                a2 = FloatVector.fromMemorySegment(SPECIES, v, o + 2 * lane, ORDER).fma(ws, a2);
                a3 = FloatVector.fromMemorySegment(SPECIES, v, o + 3 * lane, ORDER).fma(ws, a3);
            }
            a0.intoArray(y, at + d);
            a1.intoArray(y, at + d + LANES);
            a2.intoArray(y, at + d + 2 * LANES);
            a3.intoArray(y, at + d + 3 * LANES);
        }
        for (; d + LANES <= headDim; d += LANES) {
            FloatVector a0 = FloatVector.zero(SPECIES);
            long o = offset + (long) d * Float.BYTES;
            for (int s = 0; s < n; s++, o += row) {
                a0 = FloatVector.fromMemorySegment(SPECIES, v, o, ORDER).fma(FloatVector.broadcast(SPECIES, w[s]), a0);
            }
            a0.intoArray(y, at + d);
        }
        for (; d < headDim; d++) {
            float sum = 0;
            long o = offset + (long) d * Float.BYTES;
            for (int s = 0; s < n; s++, o += row) {
                sum += w[s] * v.get(FLOAT, o);
            }
            y[at + d] = sum;
        }
    }

    /**
     * {@code out[p][0..rows) = W in[p] (+ b)} for every position {@code p}, {@code W [rows, cols]} in memory, rows
     * split across the gang in the chunks that {@code cuts} (from {@link #guided}) marks on each stretch. Each row
     * is read from memory once and multiplied with every position's input while it is in the cache; four rows
     * against four positions at a time keep the loop bound by multiply-adds, so a prompt's positions cost far less
     * than as many single steps.
     */
    private void matMul(MemorySegment w, MemorySegment bias, float[][] in, int cols, float[][] out, int rows,
                        int[] cuts) {
        productTask.set(w, bias, in, cols, out, rows, cuts);
        gang.run(cuts.length - 1, productTask);
    }

    /** {@link #matMul}'s chunks, reused from call to call as {@link AttentionTask} is. */
    private final class ProductTask implements WorkerGang.Chunk {
        private MemorySegment w;
        private MemorySegment bias;
        private float[][] in;
        private int cols;
        private float[][] out;
        private int rows;
        private int[] cuts;

        void set(MemorySegment w, MemorySegment bias, float[][] in, int cols, float[][] out, int rows, int[] cuts) {
            this.w = w;
            this.bias = bias;
            this.in = in;
            this.cols = cols;
            this.out = out;
            this.rows = rows;
            this.cuts = cuts;
        }

        @Override
        public void run(int c, int who) {
            productChunk(w, bias, in, cols, out, rows, cuts, c, who);
        }
    }

    /** Chunk {@code c} of {@link #matMul}'s rows, on participant {@code who}. */
    private void productChunk(MemorySegment w, MemorySegment bias, float[][] in, int cols, float[][] out, int rows,
                              int[] cuts, int c, int who) {
        Scratch own = scratch[who];
        int[] bounds = streams(own.bounds, rows, c, cuts, STREAMS);
        int together = together(bounds, STREAMS);
        float[] products = own.products;
        for (int j = 0; j < together; j++) {
            products(w, cols, bounds[0] + j, bounds[2] + j, bounds[4] + j, bounds[6] + j, in, products);
            for (int p = 0; p < in.length; p++) {
                for (int s = 0; s < STREAMS; s++) {
                    int r = bounds[2 * s] + j;
                    out[p][r] = products[STREAMS * p + s] + bias(bias, r);
                }
            }
        }
        float[] values = own.values;
        for (int s = 0; s < STREAMS; s++) {
            for (int r = bounds[2 * s] + together; r < bounds[2 * s + 1]; r++) {
                row(w, bias, r, in, cols, values);
                for (int p = 0; p < in.length; p++) {
                    out[p][r] = values[p];
                }
            }
        }
    }

    /**
     * The MLP's hidden activations from the normed input: {@code act(gate) * up} (gate rows first, then up rows, in
     * the packed matrix) or GPT-2's {@code act(fc)}, each chunk computing its rows' products and activations. With
     * a gate, a chunk walks two stretches of units, each a gate and an up row: four streams, as in {@link #matMul}.
     */
    private void mlpHidden(LayerSegments w, float[][] in, float[][] out) {
        mlpTask.set(w, in, out);
        gang.run(mlpCuts.length - 1, mlpTask);
    }

    /** {@link #mlpHidden}'s chunks, reused from call to call as {@link AttentionTask} is. */
    private final class MlpTask implements WorkerGang.Chunk {
        private LayerSegments w;
        private float[][] in;
        private float[][] out;

        void set(LayerSegments w, float[][] in, float[][] out) {
            this.w = w;
            this.in = in;
            this.out = out;
        }

        @Override
        public void run(int c, int who) {
            mlpChunk(w, in, out, c, who);
        }
    }

    /** Chunk {@code c} of {@link #mlpHidden}'s units, on participant {@code who}. */
    private void mlpChunk(LayerSegments w, float[][] in, float[][] out, int c, int who) {
        int stretches = mlpStretches();
        Scratch own = scratch[who];
        int[] bounds = streams(own.bounds, intermediate, c, mlpCuts, stretches);
        int together = together(bounds, stretches);
        float[] products = own.products;
        for (int j = 0; j < together; j++) {
            if (gated) {
                int i0 = bounds[0] + j;
                int i1 = bounds[2] + j;
                products(w.up(), hidden, i0, intermediate + i0, i1, intermediate + i1, in, products);
                for (int p = 0; p < in.length; p++) {
                    int q = STREAMS * p;
                    out[p][i0] = unit(w, i0, products[q], products[q + 1]);
                    out[p][i1] = unit(w, i1, products[q + 2], products[q + 3]);
                }
            } else {
                products(w.up(), hidden, bounds[0] + j, bounds[2] + j, bounds[4] + j, bounds[6] + j, in,
                        products);
                for (int p = 0; p < in.length; p++) {
                    for (int s = 0; s < STREAMS; s++) {
                        out[p][bounds[2 * s] + j] = unit(w, bounds[2 * s] + j, products[STREAMS * p + s], 0f);
                    }
                }
            }
        }
        float[] gate = own.values;
        float[] up = own.up;
        for (int s = 0; s < stretches; s++) {
            for (int i = bounds[2 * s] + together; i < bounds[2 * s + 1]; i++) {
                row(w.up(), null, i, in, hidden, gate);
                if (gated) {
                    row(w.up(), null, intermediate + i, in, hidden, up);
                }
                for (int p = 0; p < in.length; p++) {
                    out[p][i] = unit(w, i, gate[p], up[p]);
                }
            }
        }
    }

    /**
     * Hidden unit {@code i} of the MLP from its gate and up products (bias not yet added): {@code act(gate) * up},
     * or {@code act(gate)} without a gate.
     */
    private float unit(LayerSegments w, int i, float gate, float up) {
        float g = gate + bias(w.upBias(), i);
        return gated ? activate(g) * (up + bias(w.upBias(), intermediate + i)) : activate(g);
    }

    /** The MLP's stretches of units: two of gate and up rows each (four streams), or four without a gate. */
    private int mlpStretches() {
        return gated ? STREAMS / 2 : STREAMS;
    }

    /** The longest of {@code stretches} equal stretches of {@code n} rows. */
    private static int stretch(int n, int stretches) {
        return (n + stretches - 1) / stretches;
    }

    /**
     * Chunk {@code c} of the rows {@code [0, n)}: rows {@code cuts[c] .. cuts[c+1]} of each of {@code stretches}
     * equal stretches of the range, into {@code bounds[2s] .. bounds[2s+1]}. Walking a chunk's stretches side by
     * side keeps four far-apart memory streams per core in flight instead of one: decode 9-10% faster at 1 and 2
     * threads in a paired comparison (docs/BENCHMARKS.md).
     */
    private static int[] streams(int[] bounds, int n, int c, int[] cuts, int stretches) {
        for (int s = 0; s < stretches; s++) {
            int from = part(n, s, stretches);
            int length = part(n, s + 1, stretches) - from;
            bounds[2 * s] = from + Math.min(cuts[c], length);
            bounds[2 * s + 1] = from + Math.min(cuts[c + 1], length);
        }
        return bounds;
    }

    /**
     * Where the chunks of a stretch of {@code length} rows start, and its end: guided self-scheduling for
     * {@code participants} threads. Each chunk takes what is left divided by twice the participants (at least
     * {@link #MIN_PIECE} rows), so the first chunks are long runs that each core reads at speed and the last ones are
     * short, letting the threads finish a product close together. One thread takes a stretch whole.
     */
    private static int[] guided(int length, int participants) {
        if (participants <= 1) {
            return new int[] {0, length};
        }
        int[] cuts = new int[length + 1];
        int chunks = 0;
        for (int at = 0; at < length; ) {
            int left = length - at;
            at += Math.min(left, Math.max(MIN_PIECE, (left + 2 * participants - 1) / (2 * participants)));
            cuts[++chunks] = at;
        }
        return java.util.Arrays.copyOf(cuts, chunks + 1);
    }

    /**
     * How many rows of each stretch of a chunk are walked side by side (as many as every stretch has), the rest
     * going one at a time through {@link #row}.
     */
    private static int together(int[] bounds, int stretches) {
        int n = Integer.MAX_VALUE;
        for (int s = 0; s < stretches; s++) {
            n = Math.min(n, bounds[2 * s + 1] - bounds[2 * s]);
        }
        return n;
    }

    private static float bias(MemorySegment bias, int r) {
        return bias == null ? 0f : bias.getAtIndex(FLOAT, r);
    }

    /** Where chunk {@code c} of {@code chunks} equal parts of {@code n} items starts. */
    private static int part(int n, int c, int chunks) {
        return (int) ((long) n * c / chunks);
    }

    /**
     * Row {@code r} of {@code W [*, cols]} times each {@code in[p]}, plus {@code bias[r]} when there is a bias, into
     * {@code out[p]}: the few rows of a product that the streams leave over (stretches differ by one row at most).
     */
    private static void row(MemorySegment w, MemorySegment bias, int r, float[][] in, int cols, float[] out) {
        long offset = (long) r * cols * Float.BYTES;
        float b = bias(bias, r);
        for (int p = 0; p < in.length; p++) {
            out[p] = dot(w, offset, in[p], 0, cols) + b;
        }
    }

    /**
     * Rows {@code r0 .. r3} of {@code W [*, cols]} times every position's input into {@code out[4p + s]} (position
     * {@code p}, row {@code s}): four positions at a time through {@link #dotRows4}, the rest one at a time through
     * {@link #dotRows}.
     */
    private static void products(MemorySegment m, int cols, int r0, int r1, int r2, int r3, float[][] in,
                                 float[] out) {
        int p = 0;
        for (; p + 4 <= in.length; p += 4) {
            dotRows4(m, cols, r0, r1, r2, r3, in[p], in[p + 1], in[p + 2], in[p + 3], out, STREAMS * p);
        }
        for (; p < in.length; p++) {
            dotRows(m, cols, r0, r1, r2, r3, in[p], out, STREAMS * p);
        }
    }

    /**
     * Rows {@code r0 .. r3} of {@code W [*, cols]} times four inputs {@code x0 .. x3} into {@code out[at + 4q + s]}
     * (input {@code q}, row {@code s}). Sixteen accumulators: each load of a row serves four inputs and each load of
     * an input four rows, so the loop is bound by multiply-adds rather than loads (prompt passes), and runs on the
     * widest vectors ({@link #WIDE}); the rows are the chunk's four far-apart streams, as for a single position.
     */
    private static void dotRows4(MemorySegment m, int cols, int r0, int r1, int r2, int r3, float[] x0, float[] x1,
                                 float[] x2, float[] x3, float[] out, int at) {
        long o0 = (long) r0 * cols * Float.BYTES;
        long o1 = (long) r1 * cols * Float.BYTES;
        long o2 = (long) r2 * cols * Float.BYTES;
        long o3 = (long) r3 * cols * Float.BYTES;
        FloatVector a00 = FloatVector.zero(WIDE);
        FloatVector a01 = FloatVector.zero(WIDE);
        FloatVector a02 = FloatVector.zero(WIDE);
        FloatVector a03 = FloatVector.zero(WIDE);
        FloatVector a10 = FloatVector.zero(WIDE);
        FloatVector a11 = FloatVector.zero(WIDE);
        FloatVector a12 = FloatVector.zero(WIDE);
        FloatVector a13 = FloatVector.zero(WIDE);
        FloatVector a20 = FloatVector.zero(WIDE);
        FloatVector a21 = FloatVector.zero(WIDE);
        FloatVector a22 = FloatVector.zero(WIDE);
        FloatVector a23 = FloatVector.zero(WIDE);
        FloatVector a30 = FloatVector.zero(WIDE);
        FloatVector a31 = FloatVector.zero(WIDE);
        FloatVector a32 = FloatVector.zero(WIDE);
        FloatVector a33 = FloatVector.zero(WIDE);
        int i = 0;
        for (; i + WIDE_LANES <= cols; i += WIDE_LANES) {
            long d = (long) i * Float.BYTES;
            FloatVector w0 = FloatVector.fromMemorySegment(WIDE, m, o0 + d, ORDER);
            FloatVector w1 = FloatVector.fromMemorySegment(WIDE, m, o1 + d, ORDER);
            FloatVector w2 = FloatVector.fromMemorySegment(WIDE, m, o2 + d, ORDER);
            FloatVector w3 = FloatVector.fromMemorySegment(WIDE, m, o3 + d, ORDER);
            FloatVector v = FloatVector.fromArray(WIDE, x0, i);
            a00 = w0.fma(v, a00);
            a01 = w1.fma(v, a01);
            a02 = w2.fma(v, a02);
            a03 = w3.fma(v, a03);
            v = FloatVector.fromArray(WIDE, x1, i);
            a10 = w0.fma(v, a10);
            a11 = w1.fma(v, a11);
            a12 = w2.fma(v, a12);
            a13 = w3.fma(v, a13);
            v = FloatVector.fromArray(WIDE, x2, i);
            a20 = w0.fma(v, a20);
            a21 = w1.fma(v, a21);
            a22 = w2.fma(v, a22);
            a23 = w3.fma(v, a23);
            v = FloatVector.fromArray(WIDE, x3, i);
            a30 = w0.fma(v, a30);
            a31 = w1.fma(v, a31);
            a32 = w2.fma(v, a32);
            a33 = w3.fma(v, a33);
        }
        out[at] = a00.reduceLanes(VectorOperators.ADD);
        out[at + 1] = a01.reduceLanes(VectorOperators.ADD);
        out[at + 2] = a02.reduceLanes(VectorOperators.ADD);
        out[at + 3] = a03.reduceLanes(VectorOperators.ADD);
        out[at + 4] = a10.reduceLanes(VectorOperators.ADD);
        out[at + 5] = a11.reduceLanes(VectorOperators.ADD);
        out[at + 6] = a12.reduceLanes(VectorOperators.ADD);
        out[at + 7] = a13.reduceLanes(VectorOperators.ADD);
        out[at + 8] = a20.reduceLanes(VectorOperators.ADD);
        out[at + 9] = a21.reduceLanes(VectorOperators.ADD);
        out[at + 10] = a22.reduceLanes(VectorOperators.ADD);
        out[at + 11] = a23.reduceLanes(VectorOperators.ADD);
        out[at + 12] = a30.reduceLanes(VectorOperators.ADD);
        out[at + 13] = a31.reduceLanes(VectorOperators.ADD);
        out[at + 14] = a32.reduceLanes(VectorOperators.ADD);
        out[at + 15] = a33.reduceLanes(VectorOperators.ADD);
        for (int s = 0; i < cols && s < 4; s++) { // the columns past the last full vector
            long o = s == 0 ? o0 : s == 1 ? o1 : s == 2 ? o2 : o3;
            out[at + s] += rest(m, o, x0, i, cols);
            out[at + 4 + s] += rest(m, o, x1, i, cols);
            out[at + 8 + s] += rest(m, o, x2, i, cols);
            out[at + 12 + s] += rest(m, o, x3, i, cols);
        }
    }

    /** The dot product of the row at byte {@code offset} of {@code m} with {@code x} over columns from .. to-1. */
    private static float rest(MemorySegment m, long offset, float[] x, int from, int to) {
        float sum = 0;
        for (int i = from; i < to; i++) {
            sum += m.get(FLOAT, offset + (long) i * Float.BYTES) * x[i];
        }
        return sum;
    }

    /**
     * Rows {@code r0 .. r3} of {@code W [*, cols]} times {@code v} into {@code out[at .. at+3]}; each load of v
     * serves all four.
     */
    private static void dotRows(MemorySegment m, int cols, int r0, int r1, int r2, int r3, float[] v, float[] out,
                                int at) {
        long o0 = (long) r0 * cols * Float.BYTES;
        long o1 = (long) r1 * cols * Float.BYTES;
        long o2 = (long) r2 * cols * Float.BYTES;
        long o3 = (long) r3 * cols * Float.BYTES;
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        FloatVector b0 = FloatVector.zero(SPECIES);
        FloatVector b1 = FloatVector.zero(SPECIES);
        FloatVector b2 = FloatVector.zero(SPECIES);
        FloatVector b3 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i + 2 * LANES <= cols; i += 2 * LANES) {
            long d = (long) i * Float.BYTES;
            long e = d + (long) LANES * Float.BYTES;
            FloatVector x = FloatVector.fromArray(SPECIES, v, i);
            FloatVector y = FloatVector.fromArray(SPECIES, v, i + LANES);
            a0 = FloatVector.fromMemorySegment(SPECIES, m, o0 + d, ORDER).fma(x, a0);
            b0 = FloatVector.fromMemorySegment(SPECIES, m, o0 + e, ORDER).fma(y, b0);
            a1 = FloatVector.fromMemorySegment(SPECIES, m, o1 + d, ORDER).fma(x, a1);
            b1 = FloatVector.fromMemorySegment(SPECIES, m, o1 + e, ORDER).fma(y, b1);
            a2 = FloatVector.fromMemorySegment(SPECIES, m, o2 + d, ORDER).fma(x, a2);
            b2 = FloatVector.fromMemorySegment(SPECIES, m, o2 + e, ORDER).fma(y, b2);
            a3 = FloatVector.fromMemorySegment(SPECIES, m, o3 + d, ORDER).fma(x, a3);
            b3 = FloatVector.fromMemorySegment(SPECIES, m, o3 + e, ORDER).fma(y, b3);
        }
        if (i + LANES <= cols) {
            long d = (long) i * Float.BYTES;
            FloatVector x = FloatVector.fromArray(SPECIES, v, i);
            a0 = FloatVector.fromMemorySegment(SPECIES, m, o0 + d, ORDER).fma(x, a0);
            a1 = FloatVector.fromMemorySegment(SPECIES, m, o1 + d, ORDER).fma(x, a1);
            a2 = FloatVector.fromMemorySegment(SPECIES, m, o2 + d, ORDER).fma(x, a2);
            a3 = FloatVector.fromMemorySegment(SPECIES, m, o3 + d, ORDER).fma(x, a3);
            i += LANES;
        }
        float s0 = a0.add(b0).reduceLanes(VectorOperators.ADD);
        float s1 = a1.add(b1).reduceLanes(VectorOperators.ADD);
        float s2 = a2.add(b2).reduceLanes(VectorOperators.ADD);
        float s3 = a3.add(b3).reduceLanes(VectorOperators.ADD);
        for (; i < cols; i++) {
            long d = (long) i * Float.BYTES;
            s0 += m.get(FLOAT, o0 + d) * v[i];
            s1 += m.get(FLOAT, o1 + d) * v[i];
            s2 += m.get(FLOAT, o2 + d) * v[i];
            s3 += m.get(FLOAT, o3 + d) * v[i];
        }
        out[at] = s0;
        out[at + 1] = s1;
        out[at + 2] = s2;
        out[at + 3] = s3;
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
                long lane = (long) LANES * Float.BYTES;
                a0 = FloatVector.fromMemorySegment(SPECIES, m, o, ORDER)
                        .fma(FloatVector.fromArray(SPECIES, v, from + i), a0);
                a1 = FloatVector.fromMemorySegment(SPECIES, m, o + lane, ORDER)
                        .fma(FloatVector.fromArray(SPECIES, v, from + i + LANES), a1);
                a2 = FloatVector.fromMemorySegment(SPECIES, m, o + 2 * lane, ORDER)
                        .fma(FloatVector.fromArray(SPECIES, v, from + i + 2 * LANES), a2);
                a3 = FloatVector.fromMemorySegment(SPECIES, m, o + 3 * lane, ORDER)
                        .fma(FloatVector.fromArray(SPECIES, v, from + i + 3 * LANES), a3);
            }
            for (; i + LANES <= n; i += LANES) {
                a0 = FloatVector.fromMemorySegment(SPECIES, m, offset + (long) i * Float.BYTES, ORDER)
                        .fma(FloatVector.fromArray(SPECIES, v, from + i), a0);
            }
            sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            sum += m.get(FLOAT, offset + (long) i * Float.BYTES) * v[from + i];
        }
        return sum;
    }

    private static void add(float[][] acc, float[][] v) {
        for (int p = 0; p < acc.length; p++) {
            for (int i = 0; i < acc[p].length; i++) {
                acc[p][i] += v[p][i];
            }
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
    public synchronized void close() {
        closed = true;
        hugePages.close();
        gang.close();
    }
}
