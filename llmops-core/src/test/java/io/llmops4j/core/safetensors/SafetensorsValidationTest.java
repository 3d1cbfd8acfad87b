package io.llmops4j.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmops4j.core.ModelFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed header is rejected with a {@link ModelFormatException} naming the file and the problem. */
class SafetensorsValidationTest {

    @TempDir
    Path tmp;

    /** A file with the given 8-byte header length, header bytes and {@code dataBytes} zero bytes of data. */
    private Path file(String name, long declaredHeaderLength, byte[] header, int dataBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declaredHeaderLength).array());
        out.writeBytes(header);
        out.writeBytes(new byte[dataBytes]);
        Path p = tmp.resolve(name);
        Files.write(p, out.toByteArray());
        return p;
    }

    private Path file(String name, String json, int dataBytes) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return file(name, h.length, h, dataBytes);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> rejects(Path p) {
        return assertThatThrownBy(() -> SafetensorsFile.open(p).close())
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(p.toString());
    }

    @Test
    void missingFile() {
        rejects(tmp.resolve("nope.safetensors")).hasMessageContaining("does not exist");
    }

    @Test
    void fileShorterThanTheLengthPrefix() throws IOException {
        Path p = tmp.resolve("short.safetensors");
        Files.write(p, new byte[] {1, 2, 3, 4, 5});
        rejects(p).hasMessageContaining("file is 5 bytes, expected at least 8");
    }

    @Test
    void headerLengthLargerThanTheFile() throws IOException {
        Path p = file("lying.safetensors", 1000, "{}".getBytes(StandardCharsets.UTF_8), 0);
        rejects(p).hasMessageContaining("header length is 1000 bytes but only 2 bytes follow");
    }

    @Test
    void headerLengthBeyondTheLimitIsRejectedBeforeAllocating() throws IOException {
        rejects(file("huge.safetensors", 1L << 40, new byte[16], 0))
                .hasMessageContaining("header length is 1099511627776 bytes, expected 1 to 100000000");
        // top bit set: read as an unsigned u64, not as a negative length
        rejects(file("negative.safetensors", -8, new byte[16], 0))
                .hasMessageContaining("header length is 18446744073709551608 bytes");
        rejects(file("zero.safetensors", 0, new byte[16], 0)).hasMessageContaining("header length is 0 bytes");
    }

    @Test
    void malformedJson() throws IOException {
        rejects(file("bad.safetensors", "{\"a\":{\"dtype\":\"F32\",", 0))
                .hasMessageContaining("not well-formed JSON");
        rejects(file("array.safetensors", "[1,2]   ", 0)).hasMessageContaining("must be a JSON object, found ARRAY");
        rejects(file("trailing.safetensors", "{} {}", 0)).hasMessageContaining("not well-formed JSON")
                .hasMessageContaining("Trailing token");
        rejects(file("dup.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", 4))
                .hasMessageContaining("not well-formed JSON").hasMessageContaining("Duplicate field 'a'");
    }

    @Test
    void headerThatIsNotUtf8() throws IOException {
        byte[] h = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        rejects(file("latin.safetensors", h.length, h, 0)).hasMessageContaining("not valid UTF-8");
    }

    @Test
    void unknownDtype() throws IOException {
        rejects(file("dtype.safetensors", "{\"w\":{\"dtype\":\"F4\",\"shape\":[2],\"data_offsets\":[0,1]}}", 1))
                .hasMessageContaining("tensor 'w'").hasMessageContaining("unknown safetensors dtype 'F4'")
                .hasMessageContaining("BF16");
        rejects(file("nodtype.safetensors", "{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8))
                .hasMessageContaining("tensor 'w'").hasMessageContaining("\"dtype\" must be a string, found null");
    }

    @Test
    void shapeThatDisagreesWithTheOffsets() throws IOException {
        rejects(file("mismatch.safetensors",
                "{\"model.norm.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20))
                .hasMessageContaining("tensor 'model.norm.weight'")
                .hasMessageContaining("shape [2, 3] of F32 needs 24 bytes, but data_offsets [0, 20] span 20 bytes");
    }

    @Test
    void malformedShapesAndOffsets() throws IOException {
        rejects(file("negshape.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4))
                .hasMessageContaining("tensor 'w'").hasMessageContaining("\"shape\" must contain non-negative");
        rejects(file("fracshape.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,4]}}", 4))
                .hasMessageContaining("tensor 'w'").hasMessageContaining("found 2.5");
        rejects(file("threeoff.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8))
                .hasMessageContaining("\"data_offsets\" must have 2 entries, found 3");
        rejects(file("reversed.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", 8))
                .hasMessageContaining("tensor 'w'").hasMessageContaining("data_offsets [8, 4] must have begin <= end");
        rejects(file("overflow.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}", 4))
                .hasMessageContaining("tensor 'w'").hasMessageContaining("overflows");
        rejects(file("notobject.safetensors", "{\"w\":[1,2]}", 0))
                .hasMessageContaining("tensor 'w' must be a JSON object");
    }

    @Test
    void offsetsOutsideTheFile() throws IOException {
        rejects(file("outside.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", 16))
                .hasMessageContaining("tensor 'b'")
                .hasMessageContaining("data_offsets [8, 24] end beyond the data section, which is 16 bytes");
    }

    @Test
    void truncatedFile() throws IOException {
        Path p = tmp.resolve("truncated.safetensors");
        new SafetensorsWriter().add("a", DType.F32, new long[] {4}, new float[4])
                .add("lm_head.weight", DType.F32, new long[] {8}, new float[8]).write(p);
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(raf.length() - 3);
        }
        rejects(p).hasMessageContaining("tensor 'lm_head.weight'")
                .hasMessageContaining("data_offsets [16, 48] end beyond the data section, which is 45 bytes");
    }

    @Test
    void overlappingOffsets() throws IOException {
        rejects(file("overlap.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20))
                .hasMessageContaining("tensor 'b' data_offsets [12, 20] overlap tensor 'a' data_offsets [0, 16]");
    }

    @Test
    void emptyTensorsNeverOverlapAndHolesAreAllowed() throws IOException {
        Path p = file("empty.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", 16);
        try (SafetensorsFile sf = SafetensorsFile.open(p)) {
            assertThat(sf.tensors().keySet()).containsExactly("a", "e", "b");
        }
    }

    @Test
    void metadataMustBeAMapOfStrings() throws IOException {
        rejects(file("meta.safetensors", "{\"__metadata__\":{\"format\":\"pt\",\"step\":3}}", 0))
                .hasMessageContaining("\"__metadata__\" entry 'step' must be a string, found NUMBER 3");
        rejects(file("meta2.safetensors", "{\"__metadata__\":[\"pt\"]}", 0))
                .hasMessageContaining("\"__metadata__\" must be a JSON object of strings, found ARRAY");
    }

    @Test
    void missingTensorInAFile() throws IOException {
        Path p = tmp.resolve("one.safetensors");
        new SafetensorsWriter().add("a", DType.F32, new long[] {1}, new float[1]).write(p);
        try (SafetensorsFile sf = SafetensorsFile.open(p)) {
            assertThatThrownBy(() -> sf.readFloats("b")).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining(p.toString()).hasMessageContaining("no tensor 'b'");
        }
    }

    @Test
    void randomCorruptionNeverEscapesAsAnUntypedError() throws IOException {
        Path good = tmp.resolve("good.safetensors");
        new SafetensorsWriter().metadata("format", "pt").add("a", DType.BF16, new long[] {3, 2}, new float[6])
                .add("b", DType.F32, new long[] {5}, new float[5]).write(good);
        byte[] bytes = Files.readAllBytes(good);
        java.util.Random r = new java.util.Random(42);
        int rejected = 0;
        for (int i = 0; i < 500; i++) {
            byte[] copy = bytes.clone();
            int flips = 1 + r.nextInt(3);
            for (int k = 0; k < flips; k++) {
                int pos = r.nextInt(Math.min(copy.length, 8 + 120)); // length prefix and header
                copy[pos] = (byte) r.nextInt(256);
            }
            Path p = tmp.resolve("fuzz.safetensors");
            Files.write(p, copy);
            try (SafetensorsFile sf = SafetensorsFile.open(p)) {
                for (String n : sf.tensors().keySet()) {
                    if (sf.info(n).dtype().isFloatingPoint()) {
                        sf.readFloats(n);
                    }
                }
            } catch (ModelFormatException e) {
                assertThat(e.getMessage()).contains(p.toString());
                rejected++;
            }
        }
        assertThat(rejected).isGreaterThan(100);
    }
}
