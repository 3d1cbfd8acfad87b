package io.llmops4j.rag;

/**
 * How vectors are stored and searched in the HNSW graph. Quantized formats keep the float vectors too, so exact
 * scores remain available.
 */
public enum VectorFormat {
    /** 32-bit floats (default). */
    FLOAT,
    /**
     * 8-bit scalar quantization. Not available with the Lucene release this library is built on (10.3.2), whose
     * scalar-quantized HNSW format accepts 4 or 7 bits: choosing it fails with a {@link RagConfigException}. It is
     * listed so that callers and other engines implementing {@link VectorIndex} share one vocabulary.
     */
    INT8,
    /** 7-bit scalar quantization (fast integer dot products). */
    INT7,
    /** 4-bit scalar quantization, two values per byte. */
    INT4,
    /** 1-bit (binary) quantization; the candidates are rescored with the full-precision vectors. */
    BINARY
}
