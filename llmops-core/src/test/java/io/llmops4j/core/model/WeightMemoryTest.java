package io.llmops4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The weight memory on Java 22+ Linux: a real mapping, tensors in it that hold what is written to them and read
 * back through PyTorch (zeros before), no tensor past its end (the loader then falls back to PyTorch's allocator),
 * and no allocation after it is closed.
 */
class WeightMemoryTest {
    @Test
    void tensorsInTheBlockHoldTheirValuesUntilItIsFull() {
        assumeTrue(Runtime.version().feature() >= 22
                && System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux"), "Java 22+ on Linux");
        WeightMemory memory = WeightMemory.reserve(3 << 20);
        assertThat(memory).isNotSameAs(WeightMemory.NONE);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray a = memory.allocate(manager, new Shape(3, 5)); // 60 bytes, the next tensor 64 bytes on
            NDArray b = memory.allocate(manager, new Shape(7));
            assertThat(a.toFloatArray()).containsOnly(0f);
            a.set(FloatBuffer.wrap(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}));
            b.set(FloatBuffer.wrap(new float[] {-1, -2, -3, -4, -5, -6, -7}));
            assertThat(a.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(a.sum().getFloat()).isEqualTo(120f);
            assertThat(b.toFloatArray()).containsExactly(-1, -2, -3, -4, -5, -6, -7);
            assertThat(a.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
            // the block is whole 2 MiB pages: 4 MiB for 3 MiB asked; a 4 MiB tensor no longer fits in it
            assertThat(memory.allocate(manager, new Shape(1 << 20))).isNull();
            assertThat(memory.allocate(manager, new Shape(1 << 19))).isNotNull();
        } finally {
            memory.close();
        }
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            assertThatThrownBy(() -> memory.allocate(manager, new Shape(4)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }
}
