package io.llmops4j.core;

/**
 * The floating-point type weights are held and computed in. Checkpoint tensors of any floating dtype (F32, F16,
 * BF16) are converted on load, so a bfloat16 checkpoint loads under every setting.
 * <ul>
 *   <li>{@link #FLOAT32}: everywhere.</li>
 *   <li>{@link #FLOAT16}: on a GPU, weights and activations in half precision (norms and the attention softmax
 *       in float32, as in transformers); on the CPU it computes in float32, since PyTorch's CPU half kernels are
 *       incomplete and slower than float32.</li>
 *   <li>{@link #BFLOAT16}: computes in float32 on every device. DJL 0.36's PyTorch bridge cannot create or
 *       convert bfloat16 tensors (the native call aborts the process), so bfloat16 weights are widened to float32
 *       on load; the results equal those of a float32 run on the same (bf16-rounded) weights.</li>
 * </ul>
 */
public enum Precision {
    FLOAT32,
    BFLOAT16,
    FLOAT16
}
