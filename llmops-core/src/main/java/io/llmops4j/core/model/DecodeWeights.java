package io.llmops4j.core.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The loaded weight tensors a {@link DecodeKernel} reads, as the DJL blocks hold them (projections {@code [out, in]},
 * q/k/v and gate/up packed). Optional tensors (biases, GPT-2's positions and LayerNorm shifts) are {@code null}.
 */
record DecodeWeights(ModelConfig config, NDArray tokenEmbedding, NDArray positionEmbedding, List<Layer> layers,
                     Norm finalNorm, NDArray head) {

    /**
     * One decoder layer: {@code up} is gate/up packed (Llama family) or GPT-2's {@code c_fc}; {@code qNorm} and
     * {@code kNorm} are Qwen3's per-head RMSNorm scales ({@code [head_dim]}), applied to each query and key head
     * after the q/k/v product and before RoPE, else {@code null}.
     */
    record Layer(Norm attentionNorm, NDArray qkv, NDArray qkvBias, Norm qNorm, Norm kNorm, NDArray o, NDArray oBias,
                 Norm mlpNorm, NDArray up, NDArray upBias, NDArray down, NDArray downBias) {
    }

    /** A norm's scale and (LayerNorm only) shift. */
    record Norm(NDArray weight, NDArray bias) {
    }
}
