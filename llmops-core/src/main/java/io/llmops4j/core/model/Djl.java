package io.llmops4j.core.model;

import ai.djl.engine.Engine;
import io.llmops4j.core.LlmOpsException;

/**
 * DJL as llmops4j uses it: offline, with the PyTorch native library taken from Maven artifacts on the class path.
 * Internal to llmops4j; not meant for application code.
 */
public final class Djl {
    /** The artifacts that carry DJL's PyTorch natives, named in the error when they are missing. */
    static final String PYTORCH_NATIVES = "ai.djl.pytorch:pytorch-native-cpu:2.7.1 (classifier linux-x86_64, or a "
            + "CUDA build of ai.djl.pytorch:pytorch-native-cu*) and ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0";

    private Djl() {
    }

    /**
     * Switches on DJL's offline mode, so that nothing is ever downloaded, unless the application has set
     * {@code ai.djl.offline} or {@code DJL_OFFLINE} itself.
     */
    public static void offline() {
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    /**
     * DJL's PyTorch engine, started offline.
     *
     * @throws LlmOpsException naming the Maven artifacts to add when the engine or its native library is absent
     */
    public static Engine pytorch() {
        offline();
        try {
            return Engine.getEngine("PyTorch");
        } catch (RuntimeException | LinkageError e) {
            throw new LlmOpsException("DJL's PyTorch engine did not start (" + e + "). llmops4j never downloads "
                    + "native libraries: put ai.djl.pytorch:pytorch-engine:0.36.0 and the native artifacts "
                    + PYTORCH_NATIVES + " on the class path", e);
        }
    }
}
