package io.llmops4j.rag;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Child JVM of {@link CrashDurabilityTest}: ingests batches into the index at {@code args[0]} forever, committing
 * after each and printing {@code COMMITTED <batch>} only after {@code commit} has returned.
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) {
        VectorIndex index = VectorIndex.open(Path.of(args[0]), new HashEmbedder());
        for (int batch = 0; ; batch++) {
            List<Chunk> chunks = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                chunks.add(Chunk.of("b" + batch + "-" + i, "batch " + batch + " chunk " + i + " text", Map.of(
                        "batch", Integer.toString(batch))));
            }
            index.add(chunks);
            index.commit(Map.of("batch", Integer.toString(batch)));
            System.out.println("COMMITTED " + batch);
            System.out.flush();
            // uncommitted writes in flight when the parent kills us
            index.add(List.of(Chunk.of("pending-" + batch, "not committed", Map.of())));
        }
    }
}
