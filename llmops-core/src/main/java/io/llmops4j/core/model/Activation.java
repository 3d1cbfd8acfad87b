package io.llmops4j.core.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** The MLP activations of the supported checkpoints, by their transformers names. */
final class Activation {
    static final List<String> SUPPORTED = List.of("silu", "swish", "gelu", "gelu_new", "gelu_pytorch_tanh", "relu");

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    private Activation() {
    }

    static boolean isSupported(String name) {
        return SUPPORTED.contains(name);
    }

    static NDArray apply(String name, NDArray x) {
        return switch (name) {
            case "silu", "swish" -> x.mul(x.getNDArrayInternal().sigmoid());
            case "gelu" -> x.getNDArrayInternal().gelu();
            case "gelu_new", "gelu_pytorch_tanh" -> geluTanh(x);
            case "relu" -> x.maximum(0f);
            default -> throw new IllegalStateException("unsupported activation " + name);
        };
    }

    /** 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), the approximation GPT-2 was trained with. */
    private static NDArray geluTanh(NDArray x) {
        NDArray inner = x.pow(3f).mul(0.044715f).add(x).mul(SQRT_2_OVER_PI);
        return inner.tanh().add(1f).mul(x).mul(0.5f);
    }
}
