package io.llmops4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A decoder-only transformer language model as DJL blocks: token (and, for GPT-2, position) embeddings, a stack
 * of pre-norm decoder layers, a final norm and the output head. One implementation serves the Llama family
 * (Llama, Mistral, Qwen2, Qwen3: RMSNorm, rotary positions, grouped-query attention, SiLU-gated MLP; Qwen3 also
 * RMS-normalises each query and key head) and GPT-2
 * (LayerNorm, learned positions, fused QKV, GELU MLP); {@link ModelConfig} says which parts are used.
 *
 * <p>Every parameter is registered under its Hugging Face tensor name ({@link #parametersByName()}), which is
 * how checkpoints are loaded and how adapters find the projections they wrap.
 */
public final class Transformer extends AbstractBlock implements AutoCloseable {
    private final ModelConfig cfg;
    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private final Map<String, Shape> shapes = new LinkedHashMap<>();
    private final Map<String, Boolean> storedTransposed = new LinkedHashMap<>();
    private final Parameter tokenEmbedding;
    private final Parameter positionEmbedding;
    private final List<DecoderLayer> layers = new ArrayList<>();
    private final Norm finalNorm;
    private final Projection lmHead;
    private final RotaryTables rotary;
    private DenseWeight head;
    private volatile DecodeKernel kernel;
    private volatile int kernelPromptLimit = Integer.MAX_VALUE; // longest prompt the kernel takes
    /**
     * Positions per PyTorch pass of a long input in {@link #nextLogits}: a layer's attention scores grow with its
     * positions times the context, so one pass over a 3,000-token prompt of a small model peaked at 4.8 GB of
     * process memory, and passes of 512 that free each layer's temporaries at 0.55 GB (docs/BENCHMARKS.md).
     */
    static final int TORCH_PASS = 512;

    /** Builds the (uninitialised) block tree for {@code cfg}; load weights with {@link WeightLoader}. */
    public Transformer(ModelConfig cfg) {
        this.cfg = cfg;
        boolean gpt2 = cfg.architecture() == Architecture.GPT2;
        String root = gpt2 ? "transformer." : "model.";
        tokenEmbedding = param(root + (gpt2 ? "wte" : "embed_tokens") + ".weight", new Shape(cfg.vocabSize(), cfg.hiddenSize()));
        positionEmbedding = gpt2 ? param(root + "wpe.weight", new Shape(cfg.maxPositions(), cfg.hiddenSize())) : null;
        for (int i = 0; i < cfg.numLayers(); i++) {
            DecoderLayer layer = new DecoderLayer(cfg);
            addChildBlock("layer" + i, layer);
            layer.register(this, root + (gpt2 ? "h." : "layers.") + i + ".");
            layers.add(layer);
        }
        finalNorm = new Norm(cfg);
        finalNorm.register(this, root + (gpt2 ? "ln_f" : "norm"));
        if (cfg.tieWordEmbeddings()) {
            lmHead = null;
        } else {
            lmHead = addChildBlock("lm_head", new Projection(cfg.hiddenSize(), cfg.vocabSize(), false));
            register("lm_head.weight", lmHead.weight(), lmHead.weightShape(), false);
        }
        rotary = cfg.rope() == null ? null : new RotaryTables(cfg.rope());
    }

    /** The configuration this model was built for. */
    public ModelConfig config() {
        return cfg;
    }

    /** Parameters keyed by their Hugging Face tensor names, in checkpoint order. */
    public Map<String, Parameter> parametersByName() {
        return Collections.unmodifiableMap(byName);
    }

    /**
     * A group of tensors that {@link WeightLoader} stores as one tensor, stacked by rows in the order of
     * {@code names} (the parameters get views of it), and where the stacked tensor goes: one matrix product then
     * serves several projections.
     */
    record Pack(List<String> names, Consumer<NDArray> stacked) {
    }

    /** Every layer's {@link Pack}s; parameters in none are stored one tensor each. */
    List<Pack> packs() {
        List<Pack> packs = new ArrayList<>();
        for (DecoderLayer layer : layers) {
            packs.addAll(layer.packs());
        }
        return packs;
    }

    /**
     * Readies the loaded model for inference: projections for single positions are split into {@code ways} row
     * blocks (PyTorch's intra-op thread count on the CPU; 1 keeps plain products; see {@link DenseWeight}), the
     * rotary embedding's rotate_half matrix is built once, and, when {@code fusedDecode} is set and the weights are
     * float32 on the CPU, the {@link DecodeKernel} for single-position steps is started with {@code ways} threads
     * (where this JVM can run it); it also takes prompts of up to {@code kernelPromptLimit} tokens (0 or less: the
     * default for this CPU, see {@link PromptPath}), longer ones running on PyTorch.
     */
    public void prepare(int ways, boolean fusedDecode, int kernelPromptLimit) {
        this.kernelPromptLimit = kernelPromptLimit > 0 ? kernelPromptLimit : PromptPath.defaultLimit();
        for (DecoderLayer layer : layers) {
            layer.prepare(ways);
        }
        NDArray embedding = tokenEmbedding.getArray();
        NDArray headWeight = lmHead == null ? embedding : lmHead.weight().getArray();
        head = new DenseWeight(headWeight, null, ways);
        if (rotary != null) {
            rotary.prepare(embedding.getManager(), cfg.headDim(), embedding.getDataType());
        }
        if (fusedDecode && !embedding.getDevice().isGpu() && embedding.getDataType() == DataType.FLOAT32) {
            List<DecodeWeights.Layer> layerWeights = layers.stream().map(DecoderLayer::decodeWeights).toList();
            DecodeWeights weights = new DecodeWeights(cfg, embedding,
                    positionEmbedding == null ? null : positionEmbedding.getArray(), layerWeights,
                    finalNorm.decodeWeights(), headWeight);
            close(); // a model prepared twice keeps one kernel
            kernel = DecodeKernel.create(weights, ways).orElse(null);
        }
    }

    /** Whether single-position steps run on the fused CPU {@link DecodeKernel} (see {@link #prepare}). */
    public boolean hasDecodeKernel() {
        return kernel != null;
    }

    /** Whether {@link #nextLogits} runs {@code positions} new tokens on the fused kernel (else on PyTorch). */
    public boolean runsOnKernel(int positions) {
        return kernel != null && takes(positions);
    }

    /** {@link #nextLogits(int[], int, KvCache, float[])} into a new array. */
    public float[] nextLogits(int[] tokens, int start, KvCache cache) {
        return nextLogits(tokens, start, cache, new float[cfg.vocabSize()]);
    }

    /**
     * The float32 logits after {@code tokens} at positions {@code start ..}, reading and extending {@code cache},
     * written into {@code logits} (one per vocabulary entry) and returned: through the {@link DecodeKernel} when it
     * takes that many positions ({@link #runsOnKernel}), in passes of at most {@link DecodeKernel#MAX_POSITIONS}
     * tokens (a single step allocates nothing), else through {@link #forward} in passes of at most
     * {@link #TORCH_PASS} tokens, whose temporaries live in a scope closed after each pass.
     */
    public float[] nextLogits(int[] tokens, int start, KvCache cache, float[] logits) {
        if (logits.length != cfg.vocabSize()) {
            throw new IllegalArgumentException("logits need one entry per vocabulary entry, " + cfg.vocabSize()
                    + ", found " + logits.length);
        }
        if (tokens.length == 0) {
            throw new IllegalArgumentException("at least one token is needed, found none");
        }
        if (start != cache.length()) {
            throw new IllegalArgumentException("the cache holds " + cache.length() + " positions, the step is at "
                    + start);
        }
        DecodeKernel k = kernel;
        boolean onKernel = k != null && takes(tokens.length);
        int passLength = onKernel ? DecodeKernel.MAX_POSITIONS : TORCH_PASS;
        for (int from = 0; from < tokens.length; from += passLength) {
            int to = Math.min(tokens.length, from + passLength);
            int[] pass = to - from == tokens.length ? tokens : java.util.Arrays.copyOfRange(tokens, from, to);
            boolean last = to == tokens.length; // earlier passes only fill the cache: no head product
            if (onKernel) {
                k.forward(pass, start + from, start + tokens.length, cache, last ? logits : null);
                continue;
            }
            try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray out = forward(pass, start + from, cache, true, start + tokens.length, true, last);
                if (last) {
                    System.arraycopy(out.toFloatArray(), 0, logits, 0, logits.length);
                }
            }
        }
        return logits;
    }

    /** Whether the kernel takes a pass of {@code positions} new tokens: single steps always, prompts up to the limit. */
    private boolean takes(int positions) {
        return positions == 1 || (positions > 1 && positions <= kernelPromptLimit);
    }

    /**
     * {@link #forward(NDArray, int, KvCache, boolean)} for token ids; the input and all temporaries are created in
     * the weights' manager, so call it inside an {@code NDScope} that frees them.
     */
    public NDArray forward(int[] tokens, int start, KvCache cache, boolean lastOnly) {
        return forward(tokens, start, cache, lastOnly, start + tokens.length, false, true);
    }

    NDArray forward(int[] tokens, int start, KvCache cache, boolean lastOnly, int ropeLength,
                    boolean freeEachLayer, boolean withHead) {
        long[] ids = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            ids[i] = tokens[i];
        }
        NDManager mgr = tokenEmbedding.getArray().getManager();
        return forward(mgr.create(ids, new Shape(1, tokens.length)), start, cache, lastOnly, ropeLength,
                freeEachLayer, withHead);
    }

    /** Stops the decode kernel's threads; the weights belong to the manager they were loaded into. */
    @Override
    public void close() {
        DecodeKernel k = kernel;
        kernel = null;
        if (k != null) {
            k.close(); // waits for a running pass
        }
    }

    /** The shape parameter {@code name} has in this model. */
    Shape shapeOf(String name) {
        return shapes.get(name);
    }

    /** Whether the checkpoint stores this tensor transposed relative to the parameter (GPT-2's Conv1D). */
    boolean isStoredTransposed(String name) {
        return storedTransposed.getOrDefault(name, false);
    }

    Parameter param(String name, Shape shape) {
        Parameter p = addParameter(Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build());
        register(name, p, shape, false);
        return p;
    }

    void register(String name, Parameter p, Shape shape, boolean transposed) {
        byName.put(name, p);
        shapes.put(name, shape);
        storedTransposed.put(name, transposed);
    }

    /**
     * Runs the model over {@code tokens} ({@code [1, t]}, int64) placed at positions {@code start .. start+t-1},
     * reading and extending {@code cache}. Returns float32 logits {@code [1, t, vocab]}, or {@code [1, 1, vocab]}
     * for the last position only when {@code lastOnly}. Temporaries are attached to the tokens' manager.
     */
    public NDArray forward(NDArray tokens, int start, KvCache cache, boolean lastOnly) {
        return forward(tokens, start, cache, lastOnly, start + (int) tokens.getShape().get(1), false, true);
    }

    /**
     * {@link #forward(NDArray, int, KvCache, boolean)} as one pass of a longer input that ends at
     * {@code ropeLength}: length-dependent (dynamic NTK) rotary frequencies are computed for that length, as
     * transformers computes them once for a forward pass over the whole input. With {@code freeEachLayer} (inference
     * only: autograd needs them) each layer's temporaries, its attention scores among them, are freed as soon as the
     * layer is done instead of with the caller's scope, so a pass holds one layer's at a time. Without {@code withHead}
     * (a pass before the last of a longer input) it only fills the cache and returns null.
     */
    NDArray forward(NDArray tokens, int start, KvCache cache, boolean lastOnly, int ropeLength,
                    boolean freeEachLayer, boolean withHead) {
        NDManager mgr = tokens.getManager();
        int t = (int) tokens.getShape().get(1);
        int end = start + t;
        if (end > cache.capacity()) {
            throw new IllegalArgumentException("sequence of " + end + " tokens exceeds the cache capacity " + cache.capacity());
        }
        NDArray x = tokenEmbedding.getArray().get(mgr, new NDIndex("{}", tokens.reshape(t))).expandDims(0);
        if (positionEmbedding != null) {
            x = x.add(positionEmbedding.getArray().get(mgr, new NDIndex("{}:{}", start, end)));
        }
        RotaryTables.Tables rope = rotary == null ? null : rotary.tables(mgr, start, end, ropeLength, x.getDataType());
        DataType dtype = x.getDataType();
        Map<Integer, NDArray> masks = new HashMap<>(); // by window: layers may differ (Qwen2's max_window_layers)
        for (int i = 0; i < layers.size(); i++) {
            NDArray mask = masks.computeIfAbsent(cfg.slidingWindow(i), w -> AttentionMask.causal(mgr, start, t, w, dtype));
            if (!freeEachLayer) {
                x = layers.get(i).forward(x, i, start, cache, rope, mask);
                continue;
            }
            NDArray next;
            try (ai.djl.ndarray.NDScope layer = new ai.djl.ndarray.NDScope()) {
                layer.suppressNotUsedWarning();
                next = layers.get(i).forward(x, i, start, cache, rope, mask);
                ai.djl.ndarray.NDScope.unregister(next);
            }
            ai.djl.ndarray.NDScope.register(next); // the caller's scope frees it
            x.close(); // the layer's input is no longer needed either
            x = next;
        }
        cache.advanceTo(end);
        if (!withHead) {
            return null;
        }
        if (lastOnly && t > 1) {
            x = x.get(new NDIndex(":, -1:, :"));
        }
        x = finalNorm.apply(x);
        NDArray logits = head.apply(x);
        return logits.getDataType() == DataType.FLOAT32 ? logits : logits.toType(DataType.FLOAT32, false);
    }

    /** A new cache for up to {@code capacity} positions, owned by {@code manager}. */
    public KvCache newCache(NDManager manager, int capacity) {
        return new KvCache(manager, cfg, capacity, tokenEmbedding.getArray().getDataType());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = inputs.singletonOrThrow();
        try (KvCache cache = newCache(tokens.getManager(), (int) tokens.getShape().get(1))) {
            return new NDList(forward(tokens, 0, cache, false));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), cfg.vocabSize())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // weights come from checkpoints, never from initializers
    }
}
