package io.llmops4j.core;

/** Where a model runs. */
public enum DeviceType {
    /** The first GPU when the engine reports one, else the CPU. */
    AUTO,
    CPU,
    GPU
}
