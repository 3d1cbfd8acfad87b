package io.llmops4j.core.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmops4j.core.LlmOpsException;
import io.llmops4j.core.ModelFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code .safetensors} file, opened read-only. {@link #open(Path)} reads and validates the whole header
 * before anything else is mapped or allocated; tensor data is then memory-mapped on demand, one tensor (or
 * one window of at most 1 GiB) at a time, so files and tensors beyond 2 GiB are supported. Nothing is
 * copied except by the {@code readFloats} methods, which convert to {@code float}.
 *
 * <p>Thread-safe for concurrent reads. Closing twice is harmless; reading after {@link #close()} throws
 * {@link IllegalStateException}.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Largest header accepted, as in the reference implementation (100 MB). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Largest region mapped at once by the {@code readFloats} methods. */
    private static final long WINDOW_BYTES = 1L << 30;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String METADATA_KEY = "__metadata__";

    private final Path file;
    private final FileChannel channel;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    private volatile boolean closed;

    private SafetensorsFile(Path file, FileChannel channel, Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * Opens and validates {@code file}.
     *
     * @throws ModelFormatException if the file is missing, unreadable or not a valid safetensors file; the
     *                              message names the file, the tensor and what was expected versus found
     */
    public static SafetensorsFile open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + ": safetensors file does not exist", e);
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot open safetensors file: " + e.getMessage(), e);
        }
        try {
            Header h = readHeader(file, channel);
            return new SafetensorsFile(file, channel, h.tensors, h.metadata);
        } catch (RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    /** The file this was opened from. */
    public Path file() {
        return file;
    }

    /** All tensors, in the order the header lists them. Unmodifiable. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The {@code "__metadata__"} string map (empty when absent). Unmodifiable. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The layout of tensor {@code name}.
     *
     * @throws ModelFormatException if the file has no such tensor
     */
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException(file + ": no tensor '" + name + "' (the file has " + tensors.size()
                    + " tensors)");
        }
        return t;
    }

    /**
     * The raw bytes of tensor {@code name}: a read-only, little-endian, memory-mapped buffer positioned at 0.
     *
     * @throws ModelFormatException if there is no such tensor, or it is 2 GiB or larger (read those in pieces
     *                              with {@link #readFloats(String, long, FloatBuffer)})
     */
    public ByteBuffer slice(String name) {
        TensorInfo t = info(name);
        if (t.byteLength() > Integer.MAX_VALUE) {
            throw new ModelFormatException(file + ": tensor '" + name + "' is " + t.byteLength()
                    + " bytes; slice() maps at most " + Integer.MAX_VALUE
                    + " bytes, read it in pieces with readFloats(name, from, FloatBuffer) instead");
        }
        return map(t.dataStart(), t.byteLength());
    }

    /**
     * Tensor {@code name} converted to {@code float} (F32 as is, F16/BF16 exactly, F64 rounded), in row-major
     * order.
     *
     * @throws ModelFormatException if there is no such tensor, its dtype is not a float type, or it has
     *                              more elements than a Java array can hold
     */
    public float[] readFloats(String name) {
        TensorInfo t = info(name);
        long n = t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(file + ": tensor '" + name + "' has " + n
                    + " elements, more than a float[] holds; use readFloats(name, FloatBuffer)");
        }
        float[] out = new float[(int) n];
        readFloats(name, FloatBuffer.wrap(out));
        return out;
    }

    /**
     * Converts tensor {@code name} to {@code float} into {@code dest}, starting at its position and advancing
     * it by the number of elements. Works for tensors of any size, including over 2 GiB, when {@code dest}
     * is a large enough direct buffer.
     *
     * @throws ModelFormatException if there is no such tensor or its dtype is not a float type
     * @throws LlmOpsException      if {@code dest} has fewer elements remaining than the tensor
     */
    public void readFloats(String name, FloatBuffer dest) {
        long n = info(name).numel();
        if (dest.remaining() < n) {
            throw new LlmOpsException("destination buffer has " + dest.remaining() + " floats remaining, tensor '"
                    + name + "' in " + file + " has " + n + " elements");
        }
        readFloats(name, 0, n, dest, WINDOW_BYTES);
    }

    /**
     * Converts elements {@code from .. from + dest.remaining() - 1} of tensor {@code name} (row-major order) to
     * {@code float} into {@code dest}, filling it: a piece of a tensor too large to hold at once.
     *
     * @throws ModelFormatException if there is no such tensor or its dtype is not a float type
     * @throws LlmOpsException      if the range is not inside the tensor
     */
    public void readFloats(String name, long from, FloatBuffer dest) {
        readFloats(name, from, dest.remaining(), dest, WINDOW_BYTES);
    }

    /** Elements {@code from .. from + count - 1} into {@code dest}, mapping at most {@code windowBytes} at a time. */
    void readFloats(String name, long from, long count, FloatBuffer dest, long windowBytes) {
        TensorInfo t = info(name);
        if (!t.dtype().isFloatingPoint()) {
            throw new ModelFormatException(file + ": tensor '" + name + "' has dtype " + t.dtype()
                    + ", expected one of F32, F16, BF16, F64 to read as floats");
        }
        if (from < 0 || count < 0 || from + count > t.numel()) {
            throw new LlmOpsException("elements [" + from + ", " + (from + count) + ") are not inside tensor '" + name
                    + "' in " + file + ", which has " + t.numel() + " elements");
        }
        int elem = t.dtype().byteSize();
        long window = Math.max(elem, windowBytes / elem * elem);
        long begin = t.dataStart() + from * elem;
        long bytes = count * elem;
        for (long off = 0; off < bytes; off += window) {
            long len = Math.min(window, bytes - off);
            convert(t.dtype(), map(begin + off, len), dest, (int) (len / elem));
        }
    }

    /**
     * Tensor {@code name} of an integer or boolean dtype (I64, I32, I16, I8, U64, U32, U16, U8, BOOL) as {@code long}
     * values, exactly, in row-major order: position ids, token ids, masks and counters stored beside the weights.
     *
     * @throws ModelFormatException if there is no such tensor, its dtype is a float type, it has more elements than a
     *                              Java array can hold, or a U64 element exceeds {@link Long#MAX_VALUE}
     */
    public long[] readLongs(String name) {
        TensorInfo t = info(name);
        if (t.dtype().isFloatingPoint()) {
            throw new ModelFormatException(file + ": tensor '" + name + "' has dtype " + t.dtype()
                    + ", expected an integer or boolean dtype to read as longs; read it with readFloats");
        }
        if (t.numel() > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(file + ": tensor '" + name + "' has " + t.numel()
                    + " elements, more than a long[] holds");
        }
        long[] out = new long[(int) t.numel()];
        int elem = t.dtype().byteSize();
        long perWindow = Math.max(1, WINDOW_BYTES / elem);
        for (long from = 0; from < out.length; from += perWindow) {
            int count = (int) Math.min(perWindow, out.length - from);
            ByteBuffer src = map(t.dataStart() + from * elem, (long) count * elem);
            for (int i = 0; i < count; i++) {
                long v = switch (t.dtype()) {
                    case I64, U64 -> src.getLong(8 * i);
                    case I32 -> src.getInt(4 * i);
                    case U32 -> Integer.toUnsignedLong(src.getInt(4 * i));
                    case I16 -> src.getShort(2 * i);
                    case U16 -> Short.toUnsignedLong(src.getShort(2 * i));
                    case I8 -> src.get(i);
                    case U8, BOOL -> Byte.toUnsignedLong(src.get(i));
                    default -> throw new IllegalStateException("not an integer dtype: " + t.dtype());
                };
                if (t.dtype() == DType.U64 && v < 0) {
                    throw new ModelFormatException(file + ": tensor '" + name + "' element " + (from + i) + " is "
                            + Long.toUnsignedString(v) + ", more than a long holds (U64)");
                }
                out[(int) (from + i)] = v;
            }
        }
        return out;
    }

    private static void convert(DType dtype, ByteBuffer src, FloatBuffer dest, int count) {
        switch (dtype) {
            case F32 -> {
                FloatBuffer f = src.asFloatBuffer();
                f.limit(count);
                dest.put(f);
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dest.put(HalfPrecision.f16ToFloat(src.getShort(2 * i)));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dest.put(HalfPrecision.bf16ToFloat(src.getShort(2 * i)));
                }
            }
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    dest.put((float) src.getDouble(8 * i));
                }
            }
            default -> throw new IllegalStateException("not a float dtype: " + dtype);
        }
    }

    private ByteBuffer map(long position, long length) {
        if (closed) {
            throw new IllegalStateException(file + " is closed");
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, position, length).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            if (closed) {
                throw new IllegalStateException(file + " is closed", e);
            }
            throw new UncheckedIOException(file + ": cannot map bytes [" + position + ", " + (position + length)
                    + ")", e);
        }
    }

    /** Releases the file handle. Mapped buffers already handed out stay valid until garbage collected. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot close", e);
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + file + ", " + tensors.size() + " tensors]";
    }

    // ---------------------------------------------------------------------------------------------------
    // Header parsing and validation

    private record Header(Map<String, TensorInfo> tensors, Map<String, String> metadata) {
    }

    private static Header readHeader(Path file, FileChannel channel) {
        long fileSize;
        try {
            fileSize = channel.size();
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read file size: " + e.getMessage(), e);
        }
        if (fileSize < 8) {
            throw new ModelFormatException(file + ": file is " + fileSize
                    + " bytes, expected at least 8 (the header length prefix)");
        }
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, channel, prefix, 0);
        long headerLen = prefix.getLong(0);
        if (headerLen <= 0 || Long.compareUnsigned(headerLen, MAX_HEADER_BYTES) > 0) {
            throw new ModelFormatException(file + ": header length is " + Long.toUnsignedString(headerLen)
                    + " bytes, expected 1 to " + MAX_HEADER_BYTES);
        }
        if (headerLen > fileSize - 8) {
            throw new ModelFormatException(file + ": header length is " + headerLen + " bytes but only "
                    + (fileSize - 8) + " bytes follow the length prefix (truncated file or corrupt header length)");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLen);
        readFully(file, channel, headerBytes, 8);
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBytes.flip()).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(file + ": header is not valid UTF-8: " + e, e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(file + ": header is not well-formed JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file + ": header must be a JSON object, found "
                    + (root == null ? "nothing" : root.getNodeType()));
        }
        long dataStart = 8 + headerLen;
        long dataSize = fileSize - dataStart;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = Map.of();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, e.getValue());
            } else {
                tensors.put(e.getKey(), parseTensor(file, e.getKey(), e.getValue(), dataStart, dataSize));
            }
        }
        checkNoOverlap(file, tensors.values(), dataStart);
        return new Header(Collections.unmodifiableMap(tensors), metadata);
    }

    private static void readFully(Path file, FileChannel channel, ByteBuffer dst, long position) {
        try {
            while (dst.hasRemaining()) {
                int n = channel.read(dst, position + dst.position());
                if (n < 0) {
                    throw new ModelFormatException(file + ": unexpected end of file at byte "
                            + (position + dst.position()));
                }
            }
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read header: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw new ModelFormatException(file + ": \"__metadata__\" must be a JSON object of strings, found "
                    + node.getNodeType());
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new ModelFormatException(file + ": \"__metadata__\" entry '" + e.getKey()
                        + "' must be a string, found " + e.getValue().getNodeType() + " " + e.getValue());
            }
            m.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(m);
    }

    private static TensorInfo parseTensor(Path file, String name, JsonNode node, long dataStart, long dataSize) {
        String where = file + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new ModelFormatException(where + " must be a JSON object with dtype, shape and data_offsets, found "
                    + node.getNodeType());
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new ModelFormatException(where + ": \"dtype\" must be a string, found " + dtypeNode);
        }
        DType dtype;
        try {
            dtype = DType.parse(dtypeNode.textValue());
        } catch (ModelFormatException e) {
            throw new ModelFormatException(where + ": " + e.getMessage(), e);
        }
        long[] shape = longArray(where, "shape", node.get("shape"), -1);
        long[] offsets = longArray(where, "data_offsets", node.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new ModelFormatException(where + ": data_offsets [" + begin + ", " + end
                    + "] must have begin <= end");
        }
        long expectedBytes;
        try {
            long numel = 1;
            for (long d : shape) {
                numel = Math.multiplyExact(numel, d);
            }
            expectedBytes = Math.multiplyExact(numel, dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new ModelFormatException(where + ": shape " + Arrays.toString(shape) + " of " + dtype
                    + " overflows a 64-bit byte count", e);
        }
        if (expectedBytes != end - begin) {
            throw new ModelFormatException(where + ": shape " + Arrays.toString(shape) + " of " + dtype
                    + " needs " + expectedBytes + " bytes, but data_offsets [" + begin + ", " + end + "] span "
                    + (end - begin) + " bytes");
        }
        if (end > dataSize) {
            throw new ModelFormatException(where + ": data_offsets [" + begin + ", " + end
                    + "] end beyond the data section, which is " + dataSize + " bytes (truncated file?)");
        }
        return new TensorInfo(name, dtype, shape, dataStart + begin, dataStart + end, file);
    }

    private static long[] longArray(String where, String field, JsonNode node, int requiredLength) {
        if (node == null || !node.isArray()) {
            throw new ModelFormatException(where + ": \"" + field + "\" must be an array of non-negative integers, found "
                    + node);
        }
        if (requiredLength >= 0 && node.size() != requiredLength) {
            throw new ModelFormatException(where + ": \"" + field + "\" must have " + requiredLength
                    + " entries, found " + node.size() + ": " + node);
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new ModelFormatException(where + ": \"" + field + "\" must contain non-negative 64-bit integers, found "
                        + v + " in " + node);
            }
            out[i] = v.longValue();
        }
        return out;
    }

    private static void checkNoOverlap(Path file, Iterable<TensorInfo> tensors, long dataStart) {
        List<TensorInfo> sorted = new ArrayList<>();
        for (TensorInfo t : tensors) {
            if (t.byteLength() > 0) {
                sorted.add(t);
            }
        }
        sorted.sort(Comparator.comparingLong(TensorInfo::dataStart));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo a = sorted.get(i - 1);
            TensorInfo b = sorted.get(i);
            if (b.dataStart() < a.dataEnd()) {
                throw new ModelFormatException(file + ": tensor '" + b.name() + "' data_offsets ["
                        + (b.dataStart() - dataStart) + ", " + (b.dataEnd() - dataStart) + "] overlap tensor '"
                        + a.name() + "' data_offsets [" + (a.dataStart() - dataStart) + ", "
                        + (a.dataEnd() - dataStart) + "]; expected disjoint ranges");
            }
        }
    }

    private static void closeQuietly(FileChannel channel, RuntimeException primary) {
        try {
            channel.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }
}
