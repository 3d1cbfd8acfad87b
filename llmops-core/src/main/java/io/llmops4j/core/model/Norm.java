package io.llmops4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/**
 * RMSNorm (Llama family) or LayerNorm (GPT-2), with its learned scale (and, for LayerNorm, shift), over the model
 * width, or, for Qwen3's q_norm and k_norm, an RMSNorm over each head ({@link #perHead}).
 */
final class Norm {
    private final boolean layerNorm;
    private final float eps;
    private final int width;
    private Parameter weight;
    private Parameter bias;

    Norm(ModelConfig cfg) {
        this(cfg.architecture() == Architecture.GPT2, (float) cfg.normEps(), cfg.hiddenSize());
    }

    private Norm(boolean layerNorm, float eps, int width) {
        this.layerNorm = layerNorm;
        this.eps = eps;
        this.width = width;
    }

    /** An RMSNorm over the last axis of width {@code headDim} with {@code rms_norm_eps}: Qwen3's q_norm / k_norm. */
    static Norm perHead(ModelConfig cfg) {
        return new Norm(false, (float) cfg.normEps(), cfg.headDim());
    }

    void register(Transformer model, String prefix) {
        weight = model.param(prefix + ".weight", new Shape(width));
        if (layerNorm) {
            bias = model.param(prefix + ".bias", new Shape(width));
        }
    }

    /** The loaded scale and shift, for {@link DecodeKernel}. */
    DecodeWeights.Norm decodeWeights() {
        return new DecodeWeights.Norm(weight.getArray(), bias == null ? null : bias.getArray());
    }

    NDArray apply(NDArray x) {
        return layerNorm ? layerNorm(x) : rmsNorm(x);
    }

    /** x / sqrt(mean(x^2) + eps) * weight, computed in float32 as transformers does. */
    private NDArray rmsNorm(NDArray x) {
        DataType in = x.getDataType();
        NDArray xf = in == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray variance = xf.square().mean(new int[] {-1}, true);
        NDArray normed = xf.div(variance.add(eps).sqrt());
        if (in != DataType.FLOAT32) {
            normed = normed.toType(in, false);
        }
        return normed.mul(weight.getArray());
    }

    private NDArray layerNorm(NDArray x) {
        return x.getNDArrayInternal()
                .layerNorm(x, new Shape(width), weight.getArray(), bias.getArray(), eps)
                .singletonOrThrow();
    }
}
