package io.llmops4j.rag;

import java.util.concurrent.ExecutorService;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene102.Lucene102HnswBinaryQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene103.Lucene103Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;

/**
 * The one place where Lucene's vector format classes are named. Their packages move between Lucene releases
 * (scalar quantization lives in lucene99, binary quantization in lucene102 as of Lucene 10.3), so an upgrade only
 * touches this class.
 */
final class VectorFormats {
    static final String INT8_UNSUPPORTED = "vectorFormat INT8 is not available with Lucene 10.3.2: its scalar "
            + "quantized HNSW format (Lucene99HnswScalarQuantizedVectorsFormat) accepts 4 or 7 bits; use INT7";

    private VectorFormats() {
    }

    /**
     * The HNSW format for {@code format}; graphs of merged segments are built by {@code mergeWorkers} threads of
     * {@code mergeExecutor} (null when 1).
     */
    static KnnVectorsFormat hnsw(VectorFormat format, int maxConn, int beamWidth, int mergeWorkers,
                                 ExecutorService mergeExecutor) {
        ExecutorService exec = mergeWorkers > 1 ? mergeExecutor : null;
        int workers = exec == null ? 1 : mergeWorkers;
        return switch (format) {
            case FLOAT -> new Lucene99HnswVectorsFormat(maxConn, beamWidth, workers, exec);
            // Lucene 10.3's scalar quantizer accepts 4 or 7 bits only; VectorIndex.Builder refuses INT8 before this.
            case INT8 -> throw new RagConfigException(INT8_UNSUPPORTED);
            // confidenceInterval 0 = Lucene's dynamic quantile search (the one its tests recommend for 4 and 7 bits)
            case INT7 -> new Lucene99HnswScalarQuantizedVectorsFormat(maxConn, beamWidth, workers, 7, false, 0f, exec);
            case INT4 -> new Lucene99HnswScalarQuantizedVectorsFormat(maxConn, beamWidth, workers, 4, true, 0f, exec);
            case BINARY -> new Lucene102HnswBinaryQuantizedVectorsFormat(maxConn, beamWidth, workers, exec);
        };
    }

    /** The current default codec with {@code vectors} used for the field {@code vectorField}. */
    static Codec codec(String vectorField, KnnVectorsFormat vectors) {
        return new Lucene103Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return field.equals(vectorField) ? vectors : super.getKnnVectorsFormatForField(field);
            }
        };
    }
}
