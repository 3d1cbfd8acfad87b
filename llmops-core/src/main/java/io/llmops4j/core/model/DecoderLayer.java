package io.llmops4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One pre-norm decoder layer: {@code h = x + attention(norm1(x))}, {@code out = h + mlp(norm2(h))}.
 * Attention is multi-head with grouped key/value heads and a KV cache; the MLP is SiLU-gated
 * ({@code down(act(gate(x)) * up(x))}) for the Llama family and plain ({@code proj(act(fc(x)))}) for GPT-2.
 * Qwen3 RMS-normalises every query and key head ({@code q_norm}, {@code k_norm}) between the projection and RoPE.
 */
final class DecoderLayer extends AbstractBlock {
    private final ModelConfig cfg;
    private final boolean gpt2;
    private final Norm attentionNorm;
    private final Norm mlpNorm;
    private final Norm qNorm; // Qwen3's per-head query and key norms, else null
    private final Norm kNorm;
    private final Projection qkv; // GPT-2's fused c_attn
    private final Projection q;
    private final Projection k;
    private final Projection v;
    private final Projection o;
    private final Projection gate;
    private final Projection up;
    private final Projection down;
    private String prefix;
    // q, k and v projections as one matrix [(heads + 2 kvHeads) * headDim, hidden] (and bias), so that one
    // product serves all three; the q/k/v parameters are views of it (see packs)
    private NDArray qkvWeight;
    private NDArray qkvBias;
    private DenseWeight qkvDense;
    // gate and up projections as one matrix [2 * intermediate, hidden], the same way
    private NDArray gateUpWeight;
    private NDArray gateUpBias;
    private DenseWeight gateUpDense;

    DecoderLayer(ModelConfig cfg) {
        this.cfg = cfg;
        this.gpt2 = cfg.architecture() == Architecture.GPT2;
        int h = cfg.hiddenSize();
        int qWidth = cfg.numHeads() * cfg.headDim();
        int kvWidth = cfg.numKvHeads() * cfg.headDim();
        attentionNorm = new Norm(cfg);
        mlpNorm = new Norm(cfg);
        qNorm = cfg.qkNorm() ? Norm.perHead(cfg) : null;
        kNorm = cfg.qkNorm() ? Norm.perHead(cfg) : null;
        if (gpt2) {
            qkv = addChildBlock("c_attn", new Projection(h, 3L * h, true));
            q = k = v = null;
            o = addChildBlock("c_proj", new Projection(h, h, true));
            gate = null;
            up = addChildBlock("c_fc", new Projection(h, cfg.intermediateSize(), true));
            down = addChildBlock("mlp_c_proj", new Projection(cfg.intermediateSize(), h, true));
        } else {
            qkv = null;
            q = addChildBlock("q_proj", new Projection(h, qWidth, cfg.qkvBias()));
            k = addChildBlock("k_proj", new Projection(h, kvWidth, cfg.qkvBias()));
            v = addChildBlock("v_proj", new Projection(h, kvWidth, cfg.qkvBias()));
            o = addChildBlock("o_proj", new Projection(qWidth, h, cfg.outputBias()));
            gate = addChildBlock("gate_proj", new Projection(h, cfg.intermediateSize(), cfg.mlpBias()));
            up = addChildBlock("up_proj", new Projection(h, cfg.intermediateSize(), cfg.mlpBias()));
            down = addChildBlock("down_proj", new Projection(cfg.intermediateSize(), h, cfg.mlpBias()));
        }
    }

    void register(Transformer model, String prefix) {
        this.prefix = prefix;
        if (gpt2) {
            attentionNorm.register(model, prefix + "ln_1");
            mlpNorm.register(model, prefix + "ln_2");
            registerProjection(model, prefix + "attn.c_attn", qkv, true);
            registerProjection(model, prefix + "attn.c_proj", o, true);
            registerProjection(model, prefix + "mlp.c_fc", up, true);
            registerProjection(model, prefix + "mlp.c_proj", down, true);
        } else {
            attentionNorm.register(model, prefix + "input_layernorm");
            mlpNorm.register(model, prefix + "post_attention_layernorm");
            registerProjection(model, prefix + "self_attn.q_proj", q, false);
            registerProjection(model, prefix + "self_attn.k_proj", k, false);
            registerProjection(model, prefix + "self_attn.v_proj", v, false);
            if (qNorm != null) {
                qNorm.register(model, prefix + "self_attn.q_norm");
                kNorm.register(model, prefix + "self_attn.k_norm");
            }
            registerProjection(model, prefix + "self_attn.o_proj", o, false);
            registerProjection(model, prefix + "mlp.gate_proj", gate, false);
            registerProjection(model, prefix + "mlp.up_proj", up, false);
            registerProjection(model, prefix + "mlp.down_proj", down, false);
        }
    }

    private static void registerProjection(Transformer model, String name, Projection p, boolean conv1d) {
        model.register(name + ".weight", p.weight(), p.weightShape(), conv1d);
        if (p.bias() != null) {
            model.register(name + ".bias", p.bias(), new Shape(p.weightShape().get(0)), false);
        }
    }

    /**
     * The Llama family's q/k/v weights (and biases), and its gate/up weights (and biases), each stored by the loader
     * as one tensor stacked by rows, the parameters being views of it, so that one product serves several
     * projections from one copy of the weights; GPT-2's c_attn is one tensor in the checkpoint already.
     */
    List<Transformer.Pack> packs() {
        if (gpt2) {
            return List.of();
        }
        String[] qkv = {prefix + "self_attn.q_proj", prefix + "self_attn.k_proj", prefix + "self_attn.v_proj"};
        String[] gateUp = {prefix + "mlp.gate_proj", prefix + "mlp.up_proj"};
        List<Transformer.Pack> packs = new ArrayList<>();
        packs.add(new Transformer.Pack(names(qkv, ".weight"), stacked -> qkvWeight = stacked));
        if (cfg.qkvBias()) {
            packs.add(new Transformer.Pack(names(qkv, ".bias"), stacked -> qkvBias = stacked));
        }
        packs.add(new Transformer.Pack(names(gateUp, ".weight"), stacked -> gateUpWeight = stacked));
        if (cfg.mlpBias()) {
            packs.add(new Transformer.Pack(names(gateUp, ".bias"), stacked -> gateUpBias = stacked));
        }
        return packs;
    }

    private static List<String> names(String[] prefixes, String suffix) {
        return Arrays.stream(prefixes).map(p -> p + suffix).toList();
    }

    /** Readies the projections for inference once the weights are set; see {@link DenseWeight} for {@code ways}. */
    void prepare(int ways) {
        if (gpt2) {
            qkvWeight = qkv.weight().getArray();
            qkvBias = array(qkv.bias());
        }
        qkvDense = new DenseWeight(qkvWeight, qkvBias, ways);
        gateUpDense = gpt2 ? null : new DenseWeight(gateUpWeight, gateUpBias, ways);
        for (Projection p : gpt2 ? new Projection[] {o, up, down} : new Projection[] {o, down}) {
            p.prepare(ways);
        }
    }

    /** The loaded weights as the forward pass reads them (packed q/k/v and gate/up), for {@link DecodeKernel}. */
    DecodeWeights.Layer decodeWeights() {
        return new DecodeWeights.Layer(attentionNorm.decodeWeights(), qkvWeight, qkvBias,
                qNorm == null ? null : qNorm.decodeWeights(), kNorm == null ? null : kNorm.decodeWeights(),
                o.weight().getArray(), array(o.bias()), mlpNorm.decodeWeights(), gpt2 ? up.weight().getArray() : gateUpWeight,
                gpt2 ? array(up.bias()) : gateUpBias, down.weight().getArray(), array(down.bias()));
    }

    private static NDArray array(ai.djl.nn.Parameter p) {
        return p == null ? null : p.getArray();
    }

    NDArray forward(NDArray x, int layer, int start, KvCache cache, RotaryTables.Tables rope, NDArray mask) {
        NDArray h = x.add(attention(attentionNorm.apply(x), layer, start, cache, rope, mask));
        return h.add(mlp(mlpNorm.apply(h)));
    }

    private NDArray attention(NDArray x, int layer, int start, KvCache cache, RotaryTables.Tables rope, NDArray mask) {
        int t = (int) x.getShape().get(1);
        int heads = cfg.numHeads();
        int kvHeads = cfg.numKvHeads();
        int d = cfg.headDim();
        // [1, t, (heads + 2 kvHeads) * d] -> [1, t, heads + 2 kvHeads, d]; queries and keys are rotated together
        NDArray projected = qkvDense.apply(x).reshape(1, t, heads + 2L * kvHeads, d);
        NDList qkAndV = projected.split(new long[] {heads + kvHeads}, 2);
        NDArray qk = qNorm == null ? qkAndV.get(0) : normalizeHeads(qkAndV.get(0), heads);
        qk = rope == null ? qk : RotaryTables.apply(qk, rope);
        NDList qAndK = qk.split(new long[] {heads}, 2);
        // -> [1, heads, t, d]
        NDArray qs = qAndK.get(0).transpose(0, 2, 1, 3);
        NDArray ks = qAndK.get(1).transpose(0, 2, 1, 3);
        NDArray vs = qkAndV.get(1).transpose(0, 2, 1, 3);
        NDArray[] kv = cache.append(layer, start, ks, vs);
        NDArray out = scaledDotProduct(qs, kv[0], kv[1], mask, t, heads, kvHeads, d);
        return o.apply(out);
    }

    /**
     * Qwen3's q_norm and k_norm: the first {@code heads} heads of {@code qk} ({@code [1, t, heads + kvHeads, d]},
     * queries then keys) RMS-normalised with the query scale, the rest with the key scale, each over its {@code d}
     * channels.
     */
    private NDArray normalizeHeads(NDArray qk, int heads) {
        NDList qAndK = qk.split(new long[] {heads}, 2);
        return NDArrays.concat(new NDList(qNorm.apply(qAndK.get(0)), kNorm.apply(qAndK.get(1))), 2);
    }

    /**
     * softmax(q k^T / sqrt(d) + mask) v with grouped-query attention: the {@code heads / kvHeads} query heads
     * that share a key/value head are stacked along the query axis instead of copying the keys (repeat_kv).
     */
    private static NDArray scaledDotProduct(NDArray q, NDArray keys, NDArray values, NDArray mask, int t, int heads,
                                            int kvHeads, int d) {
        int groups = heads / kvHeads;
        long s = keys.getShape().get(2);
        NDArray qg = q.reshape(1, kvHeads, groups * (long) t, d);
        NDArray scores = qg.matMul(keys.transpose(0, 1, 3, 2)).mul(1.0f / (float) Math.sqrt(d));
        if (mask != null) {
            scores = scores.reshape(1, kvHeads, groups, t, s).add(mask).reshape(1, kvHeads, groups * (long) t, s);
        }
        DataType dtype = scores.getDataType();
        NDArray probs = dtype == DataType.FLOAT32 ? scores.softmax(-1)
                : scores.toType(DataType.FLOAT32, false).softmax(-1).toType(dtype, false);
        NDArray ctx = probs.matMul(values); // [1, kvHeads, groups*t, d] = [1, heads, t, d]
        if (t == 1) {
            return ctx.reshape(1, 1, (long) heads * d); // one position: head-major order is already the output order
        }
        return ctx.reshape(1, heads, t, d).transpose(0, 2, 1, 3).reshape(1, t, (long) heads * d);
    }

    private NDArray mlp(NDArray x) {
        if (gpt2) {
            return down.apply(Activation.apply(cfg.activation(), up.apply(x)));
        }
        NDList gateAndUp = gateUpDense.apply(x).split(2, 2);
        return down.apply(Activation.apply(cfg.activation(), gateAndUp.get(0)).mul(gateAndUp.get(1)));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("a decoder layer runs inside Transformer.forward, which owns the KV cache");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // weights come from checkpoints
    }
}
