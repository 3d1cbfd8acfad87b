package io.llmops4j.core.safetensors;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmops4j.core.LlmOpsException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds a safetensors file (or a sharded checkpoint) in memory and writes it atomically. Tensors are
 * written in the order they were added; the JSON header is compact, lists {@code "__metadata__"} first and is
 * padded with spaces to a multiple of 8 bytes, as the reference implementation does.
 *
 * <pre>{@code
 * SafetensorsWriter w = new SafetensorsWriter();
 * w.add("model.norm.weight", DType.BF16, new long[] {64}, values);
 * w.metadata("format", "pt");
 * w.write(dir.resolve("model.safetensors"));
 * }</pre>
 *
 * Not thread-safe.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Entry(String name, DType dtype, long[] shape, byte[] data) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Creates an empty writer. */
    public SafetensorsWriter() {
    }

    /**
     * Adds a float tensor, converting {@code values} (row-major) to {@code dtype}: F16 and BF16 round to
     * nearest, ties to even, as PyTorch does (see {@link HalfPrecision}); F64 widens exactly.
     *
     * @throws LlmOpsException if the name is taken or reserved, {@code dtype} is not a float type, or the
     *                         number of values does not match the shape
     */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, float[] values) {
        if (!dtype.isFloatingPoint()) {
            throw new LlmOpsException("tensor '" + name + "': add(float[]) writes F32, F16, BF16 or F64, not "
                    + dtype + "; use addRaw for integer tensors");
        }
        long numel = checkedNumel(name, shape);
        if (numel != values.length) {
            throw new LlmOpsException("tensor '" + name + "': shape " + Arrays.toString(shape) + " has " + numel
                    + " elements, but " + values.length + " values were given");
        }
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, dtype.byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            switch (dtype) {
                case F32 -> b.putFloat(v);
                case F16 -> b.putShort(HalfPrecision.toF16Bits(v));
                case BF16 -> b.putShort(HalfPrecision.toBf16Bits(v));
                case F64 -> b.putDouble(v);
                default -> throw new IllegalStateException(dtype.toString());
            }
        }
        return put(name, dtype, shape, b.array());
    }

    /**
     * Adds a tensor from its raw little-endian bytes (copied).
     *
     * @throws LlmOpsException if the name is taken or reserved, or {@code data.length} is not
     *                         {@code numel * dtype.byteSize()}
     */
    public SafetensorsWriter addRaw(String name, DType dtype, long[] shape, byte[] data) {
        long numel = checkedNumel(name, shape);
        if (numel * dtype.byteSize() != data.length) {
            throw new LlmOpsException("tensor '" + name + "': shape " + Arrays.toString(shape) + " of " + dtype
                    + " needs " + numel * dtype.byteSize() + " bytes, but " + data.length + " bytes were given");
        }
        return put(name, dtype, shape, data.clone());
    }

    /** Adds (or replaces) an entry of the {@code "__metadata__"} map. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    private static long checkedNumel(String name, long[] shape) {
        long numel = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new LlmOpsException("tensor '" + name + "': shape " + Arrays.toString(shape)
                        + " has a negative dimension");
            }
            numel = Math.multiplyExact(numel, d);
        }
        if (numel > Integer.MAX_VALUE) {
            throw new LlmOpsException("tensor '" + name + "': " + numel + " elements; the in-memory writer holds at most "
                    + Integer.MAX_VALUE);
        }
        return numel;
    }

    private SafetensorsWriter put(String name, DType dtype, long[] shape, byte[] data) {
        if (name.equals("__metadata__")) {
            throw new LlmOpsException("tensor name '__metadata__' is reserved by the safetensors format");
        }
        if (!names.add(name)) {
            throw new LlmOpsException("tensor '" + name + "' was already added");
        }
        entries.add(new Entry(name, dtype, shape.clone(), data));
        return this;
    }

    /** Writes all tensors to one file, replacing it atomically (temp file in the same directory, then move). */
    public void write(Path file) {
        writeFile(file, entries);
    }

    /**
     * Writes a sharded checkpoint into {@code dir}: {@code model-00001-of-0000N.safetensors} files holding
     * consecutive tensors (in insertion order) of at most {@code maxShardBytes} data each (a larger tensor gets
     * a shard of its own), plus {@code model.safetensors.index.json} with {@code metadata.total_size} and the
     * {@code weight_map}, in Hugging Face's layout.
     *
     * @return the number of shards written
     */
    public int writeSharded(Path dir, long maxShardBytes) {
        if (maxShardBytes <= 0) {
            throw new LlmOpsException("maxShardBytes must be > 0, was " + maxShardBytes);
        }
        List<List<Entry>> shards = new ArrayList<>();
        List<Entry> current = new ArrayList<>();
        long currentBytes = 0;
        long total = 0;
        for (Entry e : entries) {
            if (!current.isEmpty() && currentBytes + e.data.length > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(e);
            currentBytes += e.data.length;
            total += e.data.length;
        }
        if (!current.isEmpty() || shards.isEmpty()) {
            shards.add(current);
        }
        Map<String, String> weightMap = new TreeMap<>();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        for (int i = 0; i < shards.size(); i++) {
            String shardName = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            writeFile(dir.resolve(shardName), shards.get(i));
            for (Entry e : shards.get(i)) {
                weightMap.put(e.name, shardName);
            }
        }
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode wm = index.putObject("weight_map");
        weightMap.forEach(wm::put);
        try {
            byte[] json = JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(index);
            atomicWrite(dir.resolve("model.safetensors.index.json"), out -> out.write(json));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write index in " + dir, e);
        }
        return shards.size();
    }

    private void writeFile(Path file, List<Entry> tensors) {
        byte[] header = header(tensors);
        try {
            atomicWrite(file, out -> {
                out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
                out.write(header);
                for (Entry e : tensors) {
                    out.write(e.data);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private byte[] header(List<Entry> tensors) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.getFactory().createGenerator(bytes)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeObjectFieldStart("__metadata__");
                for (Map.Entry<String, String> m : metadata.entrySet()) {
                    g.writeStringField(m.getKey(), m.getValue());
                }
                g.writeEndObject();
            }
            long offset = 0;
            for (Entry e : tensors) {
                g.writeObjectFieldStart(e.name);
                g.writeStringField("dtype", e.dtype.name());
                g.writeArrayFieldStart("shape");
                for (long d : e.shape) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(offset + e.data.length);
                g.writeEndArray();
                g.writeEndObject();
                offset += e.data.length;
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int pad = (8 - bytes.size() % 8) % 8;
        bytes.writeBytes(" ".repeat(pad).getBytes(StandardCharsets.US_ASCII));
        return bytes.toByteArray();
    }

    @FunctionalInterface
    private interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private static void atomicWrite(Path target, Body body) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                body.writeTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
