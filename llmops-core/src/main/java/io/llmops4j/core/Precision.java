package io.llmops4j.core;

/**
 * The floating-point type weights are held and computed in. Checkpoint tensors of any floating dtype are
 * converted on load. On the CPU, {@link #FLOAT16} computes in float32 (PyTorch's CPU half-precision kernels
 * are incomplete and slower than float32); {@link #BFLOAT16} is honoured on CPU and GPU alike. Norms and
 * attention softmax always run in float32, as in transformers.
 */
public enum Precision {
    FLOAT32,
    BFLOAT16,
    FLOAT16
}
