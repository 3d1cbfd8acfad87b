package io.llmops4j.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Byte-exact agreement with the reference implementation's own published test vectors, and round trips of
 * every dtype.
 *
 * <p>The golden byte strings are those asserted by huggingface/safetensors in
 * {@code bindings/python/tests/test_simple.py} ({@code test_serialization},
 * {@code test_serialization_metadata}, {@code test_serialization_forces_alignment}). Debian bookworm does not
 * package the {@code safetensors} Python library, so the library's own asserted outputs are the reference.
 */
class SafetensorsFormatTest {

    @TempDir
    Path tmp;

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    @Test
    void matchesReferenceSerializationOfInt32Matrix() throws IOException {
        // test_serialization: np.zeros((2, 2), int32) with data[1, 1] = 1. The 60-byte JSON is padded with
        // 4 spaces to 64 = '@' (0x40); then 16 bytes of data, the last element 1 little-endian.
        byte[] expected = concat(ascii("@\0\0\0\0\0\0\0"),
                ascii("{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}    "),
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0});
        Path f = tmp.resolve("golden.safetensors");
        new SafetensorsWriter().addRaw("test", DType.I32, new long[] {2, 2},
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}).write(f);
        assertThat(Files.readAllBytes(f)).isEqualTo(expected);

        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            TensorInfo t = sf.tensors().get("test");
            assertThat(t.dtype()).isEqualTo(DType.I32);
            assertThat(t.shape()).containsExactly(2, 2);
            assertThat(t.dataStart()).isEqualTo(8 + 64);
            assertThat(t.dataEnd()).isEqualTo(8 + 64 + 16);
            assertThat(sf.slice("test").getInt(12)).isEqualTo(1);
            assertThat(sf.readLongs("test")).containsExactly(0, 0, 0, 1);
            assertThat(sf.metadata()).isEmpty();
        }
    }

    @Test
    void matchesReferenceSerializationWithMetadata() throws IOException {
        // test_serialization_metadata: "__metadata__" first, 95 bytes of JSON + 1 space = 96 = '`' (0x60).
        byte[] expected = concat(ascii("`\0\0\0\0\0\0\0"),
                ascii("{\"__metadata__\":{\"framework\":\"pt\"},\"test1\":{\"dtype\":\"I32\",\"shape\":[2,2],"
                        + "\"data_offsets\":[0,16]}} "),
                new byte[16]);
        Path f = tmp.resolve("meta.safetensors");
        new SafetensorsWriter().metadata("framework", "pt")
                .addRaw("test1", DType.I32, new long[] {2, 2}, new byte[16]).write(f);
        assertThat(Files.readAllBytes(f)).isEqualTo(expected);
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThat(sf.metadata()).containsExactly(java.util.Map.entry("framework", "pt"));
        }
    }

    @Test
    void matchesReferenceSerializationOfTwoTensors() throws IOException {
        // test_serialization_forces_alignment: 122 bytes of JSON + 6 spaces = 128 (0x80).
        byte[] expected = concat(le64(128),
                ascii("{\"test1\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                        + "\"test2\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[16,24]}}      "),
                new byte[24]);
        Path f = tmp.resolve("two.safetensors");
        new SafetensorsWriter().addRaw("test1", DType.I32, new long[] {2, 2}, new byte[16])
                .add("test2", DType.F16, new long[] {2, 2}, new float[4]).write(f);
        assertThat(Files.readAllBytes(f)).isEqualTo(expected);
    }

    @Test
    void readsReferenceDeserializationVectorWithoutPadding() throws IOException {
        // test_deserialization: header of exactly 60 bytes ('<'), no padding.
        Path f = tmp.resolve("unpadded.safetensors");
        Files.write(f, concat(ascii("<\0\0\0\0\0\0\0"),
                ascii("{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}"), new byte[16]));
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThat(sf.tensors().keySet()).containsExactly("test");
            assertThat(sf.slice("test").remaining()).isEqualTo(16);
        }
    }

    @Test
    void roundTripsEveryFloatDtype() {
        float[] values = {1.0f, -2.5f, 0.1f, 65504f, 1e-6f, -0.0f, Float.POSITIVE_INFINITY, 3.140625f};
        long[] shape = {2, 4};
        Path f = tmp.resolve("floats.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        for (DType d : List.of(DType.F32, DType.F16, DType.BF16, DType.F64)) {
            w.add("t." + d, d, shape, values);
        }
        w.write(f);
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThat(sf.tensors().keySet()).containsExactly("t.F32", "t.F16", "t.BF16", "t.F64");
            assertThat(sf.readFloats("t.F32")).containsExactly(values);
            assertThat(sf.readFloats("t.F64")).containsExactly(values);
            for (int i = 0; i < values.length; i++) {
                assertThat(sf.readFloats("t.F16")[i]).isEqualTo(HalfPrecision.f16Round(values[i]));
                assertThat(sf.readFloats("t.BF16")[i]).isEqualTo(HalfPrecision.bf16Round(values[i]));
            }
            // raw bits: 0.1f -> bf16 0x3DCD, f16 0x2E66 (see HalfPrecisionTest), element 2, little-endian
            assertThat(sf.slice("t.BF16").getShort(4) & 0xFFFF).isEqualTo(0x3DCD);
            assertThat(sf.slice("t.F16").getShort(4) & 0xFFFF).isEqualTo(0x2E66);
            assertThat(sf.slice("t.F32").order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(sf.slice("t.F32").isReadOnly()).isTrue();
            assertThat(sf.info("t.F64").byteLength()).isEqualTo(64);
        }
    }

    @Test
    void roundTripsIntegerDtypesAsRawBytesAndAsLongs() {
        Path f = tmp.resolve("ints.safetensors");
        ByteBuffer i64 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).putLong(Long.MAX_VALUE)
                .putLong(42);
        ByteBuffer i32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(-7).putInt(1 << 30);
        new SafetensorsWriter()
                .addRaw("i64", DType.I64, new long[] {3}, i64.array())
                .addRaw("i32", DType.I32, new long[] {2, 1}, i32.array())
                .addRaw("i16", DType.I16, new long[] {1}, new byte[] {(byte) 0xFE, (byte) 0xFF})
                .addRaw("i8", DType.I8, new long[] {2}, new byte[] {-3, 4})
                .addRaw("u8", DType.U8, new long[] {1}, new byte[] {(byte) 200})
                .addRaw("u16", DType.U16, new long[] {1}, new byte[] {(byte) 0xFF, (byte) 0xFF})
                .addRaw("u32", DType.U32, new long[] {1}, new byte[] {0, 0, 0, (byte) 0x80})
                .addRaw("u64", DType.U64, new long[] {2}, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(Long.MAX_VALUE).putLong(3).array())
                .addRaw("u64big", DType.U64, new long[] {2}, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(1).putLong(-1).array())
                .addRaw("bool", DType.BOOL, new long[] {2}, new byte[] {1, 0})
                .addRaw("scalar", DType.I32, new long[] {}, new byte[] {5, 0, 0, 0})
                .addRaw("empty", DType.F32, new long[] {0, 3}, new byte[0])
                .write(f);
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThat(sf.slice("i64").getLong(8)).isEqualTo(Long.MAX_VALUE);
            assertThat(sf.slice("i64").getLong(0)).isEqualTo(-1);
            assertThat(sf.slice("i32").getInt(0)).isEqualTo(-7);
            assertThat(sf.slice("i32").getInt(4)).isEqualTo(1 << 30);
            assertThat(sf.slice("i16").getShort(0)).isEqualTo((short) -2);
            assertThat(sf.slice("i8").get(0)).isEqualTo((byte) -3);
            assertThat(sf.slice("u8").get(0) & 0xFF).isEqualTo(200);
            assertThat(sf.slice("bool").get(0)).isEqualTo((byte) 1);
            assertThat(sf.slice("u16").getShort(0) & 0xFFFF).isEqualTo(65535);
            assertThat(Integer.toUnsignedLong(sf.slice("u32").getInt(0))).isEqualTo(1L << 31);
            assertThat(sf.info("u64").byteLength()).isEqualTo(16);
            assertThat(sf.info("scalar").numel()).isEqualTo(1);
            assertThat(sf.slice("scalar").getInt(0)).isEqualTo(5);
            assertThat(sf.info("empty").numel()).isZero();
            assertThat(sf.readFloats("empty")).isEmpty();
            // the same values read as longs: signed types sign-extended, unsigned ones not
            assertThat(sf.readLongs("i64")).containsExactly(-1, Long.MAX_VALUE, 42);
            assertThat(sf.readLongs("i32")).containsExactly(-7, 1 << 30);
            assertThat(sf.readLongs("i16")).containsExactly(-2);
            assertThat(sf.readLongs("i8")).containsExactly(-3, 4);
            assertThat(sf.readLongs("u8")).containsExactly(200);
            assertThat(sf.readLongs("u16")).containsExactly(65535);
            assertThat(sf.readLongs("u32")).containsExactly(1L << 31);
            assertThat(sf.readLongs("u64")).containsExactly(Long.MAX_VALUE, 3);
            assertThat(sf.readLongs("bool")).containsExactly(1, 0);
            assertThat(sf.readLongs("scalar")).containsExactly(5);
            assertThatThrownBy(() -> sf.readLongs("u64big"))
                    .isInstanceOf(io.llmops4j.core.ModelFormatException.class)
                    .hasMessageContaining("'u64big' element 1 is 18446744073709551615");
            assertThatThrownBy(() -> sf.readLongs("empty"))
                    .isInstanceOf(io.llmops4j.core.ModelFormatException.class)
                    .hasMessageContaining("'empty' has dtype F32");
            assertThatThrownBy(() -> sf.readFloats("i32"))
                    .isInstanceOf(io.llmops4j.core.ModelFormatException.class)
                    .hasMessageContaining("ints.safetensors").hasMessageContaining("'i32'")
                    .hasMessageContaining("dtype I32");
        }
    }

    @Test
    void windowedReadsMatchWholeReadsForEveryFloatDtype() {
        float[] values = new float[37];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i - 18) * 0.37f;
        }
        Path f = tmp.resolve("window.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        for (DType d : List.of(DType.F32, DType.F16, DType.BF16, DType.F64)) {
            w.add(d.name(), d, new long[] {values.length}, values);
        }
        w.write(f);
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            for (DType d : List.of(DType.F32, DType.F16, DType.BF16, DType.F64)) {
                float[] whole = sf.readFloats(d.name());
                for (long window : new long[] {1, 7, 16, 24, 1000}) {
                    FloatBuffer dest = FloatBuffer.allocate(values.length + 3);
                    dest.put(-1f); // reading starts at the buffer's position
                    sf.readFloats(d.name(), 0, values.length, dest, window);
                    assertThat(dest.position()).isEqualTo(values.length + 1);
                    float[] got = java.util.Arrays.copyOfRange(dest.array(), 1, values.length + 1);
                    assertThat(got).as(d + " window " + window).containsExactly(whole);
                }
                FloatBuffer piece = FloatBuffer.allocate(9);
                sf.readFloats(d.name(), 20, piece);
                assertThat(piece.array()).as(d + " elements 20..28").containsExactly(
                        java.util.Arrays.copyOfRange(whole, 20, 29));
                assertThatThrownBy(() -> sf.readFloats(d.name(), 30, FloatBuffer.allocate(8)))
                        .isInstanceOf(io.llmops4j.core.LlmOpsException.class)
                        .hasMessageContaining("elements [30, 38) are not inside tensor '" + d.name() + "'")
                        .hasMessageContaining("37 elements");
            }
            FloatBuffer tooSmall = FloatBuffer.allocate(10);
            assertThatThrownBy(() -> sf.readFloats("F32", tooSmall))
                    .isInstanceOf(io.llmops4j.core.LlmOpsException.class)
                    .hasMessageContaining("10 floats remaining").hasMessageContaining("37 elements");
        }
    }

    @Test
    void writerRejectsInconsistentInput() {
        SafetensorsWriter w = new SafetensorsWriter();
        w.add("a", DType.F32, new long[] {2}, new float[2]);
        assertThatThrownBy(() -> w.add("a", DType.F32, new long[] {2}, new float[2]))
                .hasMessageContaining("'a' was already added");
        assertThatThrownBy(() -> w.add("b", DType.F32, new long[] {2, 3}, new float[5]))
                .hasMessageContaining("shape [2, 3] has 6 elements, but 5 values");
        assertThatThrownBy(() -> w.addRaw("c", DType.I64, new long[] {2}, new byte[8]))
                .hasMessageContaining("needs 16 bytes, but 8 bytes");
        assertThatThrownBy(() -> w.add("d", DType.I32, new long[] {1}, new float[1]))
                .hasMessageContaining("addRaw");
        assertThatThrownBy(() -> w.add("__metadata__", DType.F32, new long[] {1}, new float[1]))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> w.add("e", DType.F32, new long[] {-1}, new float[0]))
                .hasMessageContaining("negative dimension");
    }

    @Test
    void writeReplacesAnExistingFileAndLeavesNoTempFiles() throws IOException {
        Path f = tmp.resolve("model.safetensors");
        new SafetensorsWriter().add("x", DType.F32, new long[] {1}, new float[] {1f}).write(f);
        new SafetensorsWriter().add("y", DType.F32, new long[] {1}, new float[] {2f}).write(f);
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThat(sf.tensors().keySet()).containsExactly("y");
            assertThat(sf.readFloats("y")).containsExactly(2f);
        }
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.safetensors");
        }
    }

    @Test
    void closeIsIdempotentAndReadsAfterCloseFail() {
        Path f = tmp.resolve("c.safetensors");
        new SafetensorsWriter().add("x", DType.F32, new long[] {1}, new float[] {1f}).write(f);
        SafetensorsFile sf = SafetensorsFile.open(f);
        ByteBuffer before = sf.slice("x");
        sf.close();
        sf.close();
        assertThat(before.getFloat(0)).isEqualTo(1f); // mappings handed out stay valid
        assertThatThrownBy(() -> sf.slice("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
