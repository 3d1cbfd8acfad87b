package io.llmops4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.llmops4j.core.ModelFormatException;
import io.llmops4j.core.safetensors.DType;
import io.llmops4j.core.safetensors.SafetensorsCheckpoint;
import io.llmops4j.core.safetensors.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Copies checkpoint tensors into the parameters of a {@link Transformer}, checking every shape first, and
 * converting to the compute dtype. Tensors the model does not use (GPT-2's attention-mask buffers, a tied
 * {@code lm_head.weight}) are ignored. The model's {@link Transformer.Pack}s are read straight into one stacked
 * tensor each. Float32 weights on the CPU go into one {@link WeightMemory} on huge pages, which the manager the
 * weights belong to unmaps when it closes.
 */
public final class WeightLoader {
    private WeightLoader() {
    }

    /**
     * Tensors whose float32 form is larger than this are read and placed in pieces of whole rows up to this size:
     * a memory-mapped buffer and a Java array hold at most 2 GiB, and a float16 tensor widened at once would need
     * its float32 copy on the heap.
     */
    static final long PIECE_BYTES = 256L << 20;

    /**
     * Loads every parameter of {@code model} from {@code ckpt} into arrays owned by {@code manager}. Float32 CPU
     * weights are views of a {@link WeightMemory} that closing {@code manager} unmaps: a weight, or any view of one,
     * must not be read after that (it would crash the process), and a model with a decode kernel must be closed
     * ({@link Transformer#close}) before {@code manager}, as {@code LanguageModel} does.
     */
    public static void load(Transformer model, SafetensorsCheckpoint ckpt, NDManager manager, DataType dtype) {
        load(model, ckpt, manager, dtype, PIECE_BYTES, true);
    }

    /**
     * {@link #load(Transformer, SafetensorsCheckpoint, NDManager, DataType)} with pieces of {@code pieceBytes}, and
     * float32 CPU weights in a {@link WeightMemory} only if {@code weightMemory} (else all in PyTorch's allocations).
     */
    static void load(Transformer model, SafetensorsCheckpoint ckpt, NDManager manager, DataType dtype,
                     long pieceBytes, boolean weightMemory) {
        Map<String, Parameter> params = model.parametersByName();
        // validate all shapes before allocating anything
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String stored = storedName(ckpt, e.getKey());
            long[] expected = model.shapeOf(e.getKey()).getShape();
            if (model.isStoredTransposed(e.getKey()) && expected.length == 2) {
                expected = new long[] {expected[1], expected[0]};
            }
            ckpt.requireShape(stored, expected);
            TensorInfo info = ckpt.info(stored);
            if (!info.dtype().isFloatingPoint()) {
                throw new ModelFormatException(info.file() + ": tensor '" + stored + "' has dtype "
                        + info.dtype() + ", expected a floating-point dtype (F32, F16 or BF16)");
            }
        }
        List<Transformer.Pack> tensors = tensors(model);
        WeightMemory memory = weightMemory && dtype == DataType.FLOAT32 && !manager.getDevice().isGpu()
                ? WeightMemory.reserve(floatBytes(model, tensors)) : WeightMemory.NONE;
        if (memory != WeightMemory.NONE) {
            try { // unmapped when the manager closes: the tensors in it belong to that manager
                manager.attachInternal("llmops-weight-memory-" + UUID.randomUUID(), memory);
            } catch (RuntimeException e) {
                memory.close();
                throw e;
            }
        }
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (Transformer.Pack pack : tensors) {
            List<String> names = pack.names();
            NDArray stacked = allocate(memory, manager, stackedShape(model, pack), dtype);
            long[] ends = new long[names.size() - 1];
            long row = 0;
            for (int i = 0; i < names.size(); i++) {
                fill(ckpt, model, names.get(i), stacked, row, dtype, pieceBytes);
                row += model.shapeOf(names.get(i)).get(0);
                if (i < ends.length) {
                    ends[i] = row;
                }
            }
            NDList views = names.size() == 1 ? new NDList(stacked) : stacked.split(ends, 0);
            for (int i = 0; i < names.size(); i++) {
                arrays.put(names.get(i), views.get(i));
            }
            pack.stacked().accept(stacked);
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            e.getValue().setArray(arrays.get(e.getKey()));
            e.getValue().freeze(true);
        }
    }

    /** The tensors the loader allocates: the model's packs, then every other parameter as a pack of its own. */
    private static List<Transformer.Pack> tensors(Transformer model) {
        List<Transformer.Pack> tensors = new ArrayList<>(model.packs());
        Set<String> packed = new HashSet<>();
        tensors.forEach(pack -> packed.addAll(pack.names()));
        for (String name : model.parametersByName().keySet()) {
            if (!packed.contains(name)) {
                tensors.add(new Transformer.Pack(List.of(name), stacked -> { }));
            }
        }
        return tensors;
    }

    /** The shape of {@code pack}'s tensor: its parts' shapes stacked by rows. */
    private static Shape stackedShape(Transformer model, Transformer.Pack pack) {
        long[] dims = model.shapeOf(pack.names().get(0)).getShape().clone();
        dims[0] = pack.names().stream().mapToLong(name -> model.shapeOf(name).get(0)).sum();
        return new Shape(dims);
    }

    /**
     * Bytes of {@code tensors} as float32, each rounded up to {@link WeightMemory#TENSOR_ALIGNMENT}, for
     * {@link WeightMemory#reserve}; tensors over 2 GiB, which go to PyTorch's allocator, left out.
     */
    private static long floatBytes(Transformer model, List<Transformer.Pack> tensors) {
        return tensors.stream().mapToLong(pack -> stackedShape(model, pack).size() * Float.BYTES)
                .filter(size -> size <= Integer.MAX_VALUE)
                .map(size -> Math.ceilDiv(size, WeightMemory.TENSOR_ALIGNMENT) * WeightMemory.TENSOR_ALIGNMENT).sum();
    }

    /** An uninitialised tensor of {@code shape}: in {@code memory} where it fits, else from PyTorch's allocator. */
    private static NDArray allocate(WeightMemory memory, NDManager manager, Shape shape, DataType dtype) {
        NDArray array = memory.allocate(manager, shape);
        return array != null ? array : manager.create(shape, dtype);
    }

    /** GPT-2 checkpoints saved from the bare model omit the {@code transformer.} prefix. */
    private static String storedName(SafetensorsCheckpoint ckpt, String name) {
        if (!ckpt.contains(name) && name.startsWith("transformer.") && ckpt.contains(name.substring(12))) {
            return name.substring(12);
        }
        return name;
    }

    /**
     * Writes checkpoint tensor {@code name} (in its parameter's layout: GPT-2's Conv1D weights transposed) into
     * {@code dest} from row {@code row} on, converted to {@code dtype}. A float32 tensor of at most
     * {@code pieceBytes} is copied from the mapped file at once; others are read as float32 in pieces of whole rows
     * of at most that size, each widened into one reused direct buffer and copied into place.
     */
    private static void fill(SafetensorsCheckpoint ckpt, Transformer model, String name, NDArray dest, long row,
                             DataType dtype, long pieceBytes) {
        String stored = storedName(ckpt, name);
        TensorInfo info = ckpt.info(stored);
        boolean transposed = model.isStoredTransposed(name);
        if (transposed && row != 0) {
            throw new IllegalStateException(name + " is stored transposed and cannot be stacked");
        }
        Shape shape = new Shape(info.shape());
        long rows = shape.get(0);
        try (NDManager scratch = dest.getManager().newSubManager()) {
            if (info.dtype() == DType.F32 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
                    && info.numel() * Float.BYTES <= pieceBytes) {
                ByteBuffer bytes = ckpt.slice(stored).order(ByteOrder.nativeOrder());
                put(dest, row, 0, rows, transposed, scratch.create(bytes, shape, DataType.FLOAT32), dtype);
                return;
            }
            long rowBytes = rows == 0 ? 0 : info.numel() / rows * Float.BYTES;
            if (rowBytes > Integer.MAX_VALUE) {
                throw new ModelFormatException(info.file() + ": tensor '" + stored + "' " + shape
                        + " has rows of " + rowBytes + " bytes as float32, more than the 2 GiB a piece can hold");
            }
            long rowsPerPiece = Math.max(1, Math.min(rows, pieceBytes / Math.max(1, rowBytes)));
            ByteBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(rowsPerPiece * rowBytes))
                    .order(ByteOrder.nativeOrder());
            for (long r = 0; r < rows; r += rowsPerPiece) {
                long n = Math.min(rowsPerPiece, rows - r);
                int bytes = Math.toIntExact(n * rowBytes);
                ckpt.readFloats(stored, r * (rowBytes / Float.BYTES), buffer.clear().limit(bytes).asFloatBuffer());
                long[] dims = shape.getShape().clone();
                dims[0] = n;
                try (NDManager piece = scratch.newSubManager()) {
                    put(dest, row, r, n, transposed,
                            piece.create(buffer.position(0).limit(bytes), new Shape(dims), DataType.FLOAT32), dtype);
                }
            }
        }
    }

    /**
     * Copies {@code piece}, rows {@code from .. from+n} of a stored tensor, into {@code dest} at row {@code at +
     * from}, or, stored transposed, into columns {@code from .. from+n} (a transposed tensor is never stacked:
     * {@link #fill} checks).
     */
    private static void put(NDArray dest, long at, long from, long n, boolean transposed, NDArray piece,
                            DataType dtype) {
        NDArray value = transposed ? piece.transpose() : piece;
        if (value.getDataType() != dtype) {
            value = value.toType(dtype, false);
        }
        dest.set(transposed ? new NDIndex(":, {}:{}", from, from + n) : new NDIndex("{}:{}", at + from, at + from + n),
                value);
    }
}
