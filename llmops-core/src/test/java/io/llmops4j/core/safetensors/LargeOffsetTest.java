package io.llmops4j.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmops4j.core.ModelFormatException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offsets beyond 2^31 and tensors over 2 GiB, without writing gigabytes: a sparse file whose first tensor is
 * a 3 GiB U8 filler (never read) and whose second tensor starts 3 GiB into the data section.
 */
class LargeOffsetTest {

    private static final long FILLER = 3L << 30;

    @TempDir
    Path tmp;

    /**
     * Writes a sparse safetensors file: the header {@code json}, {@code dataBytes} of data (unwritten, so they take no
     * disk blocks, except) the four floats 1.5, -2, 0.25, 1e9 at data offset {@code at}.
     *
     * @return the offset of the data section in the file
     */
    private static long writeSparse(Path p, String json, long dataBytes, long at) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        long dataStart = 8 + header.length;
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            raf.write(header);
            raf.setLength(dataStart + dataBytes);
            raf.seek(dataStart + at);
            raf.write(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                    .putFloat(1.5f).putFloat(-2f).putFloat(0.25f).putFloat(1e9f).array());
        }
        return dataStart;
    }

    @Test
    void readsATensorPlacedBeyondTwoGibibytes() throws IOException {
        String json = "{\"filler\":{\"dtype\":\"U8\",\"shape\":[" + FILLER + "],\"data_offsets\":[0," + FILLER + "]},"
                + "\"far\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[" + FILLER + "," + (FILLER + 16) + "]}}";
        Path p = tmp.resolve("sparse.safetensors");
        long dataStart = writeSparse(p, json, FILLER + 16, FILLER);
        try (SafetensorsFile sf = SafetensorsFile.open(p)) {
            TensorInfo far = sf.info("far");
            assertThat(far.dataStart()).isEqualTo(dataStart + FILLER).isGreaterThan(Integer.MAX_VALUE);
            assertThat(sf.readFloats("far")).containsExactly(1.5f, -2f, 0.25f, 1e9f);
            assertThat(sf.slice("far").getFloat(12)).isEqualTo(1e9f);
            assertThat(sf.info("filler").byteLength()).isEqualTo(FILLER);
            assertThatThrownBy(() -> sf.slice("filler")).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("tensor 'filler' is 3221225472 bytes")
                    .hasMessageContaining("readFloats(name, from, FloatBuffer)");
        }
    }

    /** A 3 GiB F32 tensor (sparse, zero but for its last four values) read in a piece from its end. */
    @Test
    void readsAPieceOfATensorOverTwoGibibytes() throws IOException {
        String json = "{\"big\":{\"dtype\":\"F32\",\"shape\":[" + (FILLER / 16) + ",4],\"data_offsets\":[0," + FILLER
                + "]}}";
        Path p = tmp.resolve("big.safetensors");
        writeSparse(p, json, FILLER, FILLER - 16);
        try (SafetensorsFile sf = SafetensorsFile.open(p)) {
            long n = sf.info("big").numel();
            java.nio.FloatBuffer last = java.nio.FloatBuffer.allocate(6);
            sf.readFloats("big", n - 6, last);
            assertThat(last.array()).containsExactly(0f, 0f, 1.5f, -2f, 0.25f, 1e9f);
        }
    }
}
