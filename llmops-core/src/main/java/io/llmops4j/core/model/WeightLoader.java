package io.llmops4j.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Copies checkpoint tensors into the parameters of a {@link Transformer}, checking every shape first, and
 * converting to the compute dtype. Tensors the model does not use (GPT-2's attention-mask buffers, a tied
 * {@code lm_head.weight}) are ignored.
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

    /** Loads every parameter of {@code model} from {@code ckpt} into arrays owned by {@code manager}. */
    public static void load(Transformer model, SafetensorsCheckpoint ckpt, NDManager manager, DataType dtype) {
        load(model, ckpt, manager, dtype, PIECE_BYTES);
    }

    /** {@link #load(Transformer, SafetensorsCheckpoint, NDManager, DataType)} with pieces of {@code pieceBytes}. */
    static void load(Transformer model, SafetensorsCheckpoint ckpt, NDManager manager, DataType dtype,
                     long pieceBytes) {
        Map<String, Parameter> params = model.parametersByName();
        // validate all shapes before allocating anything
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String stored = storedName(ckpt, e.getKey());
            long[] expected = model.shapeOf(e.getKey()).getShape();
            if (model.isStoredTransposed(e.getKey()) && expected.length == 2) {
                expected = new long[] {expected[1], expected[0]};
            }
            ckpt.requireShape(stored, expected);
        }
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            NDArray array = read(ckpt, storedName(ckpt, name), manager, dtype, pieceBytes);
            if (model.isStoredTransposed(name)) {
                // a contiguous copy (duplicate() would keep the transposed strides, and the decode kernel reads
                // the tensor's memory row by row)
                try (NDManager scratch = manager.newSubManager()) {
                    NDArray view = array.transpose();
                    view.attach(scratch);
                    NDArray contiguous = view.flatten().reshape(view.getShape());
                    contiguous.attach(manager);
                    array.close();
                    array = contiguous;
                }
            }
            arrays.put(name, array);
        }
        model.packWeights(arrays);
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            e.getValue().setArray(arrays.get(e.getKey()));
            e.getValue().freeze(true);
        }
    }

    /** GPT-2 checkpoints saved from the bare model omit the {@code transformer.} prefix. */
    private static String storedName(SafetensorsCheckpoint ckpt, String name) {
        if (!ckpt.contains(name) && name.startsWith("transformer.") && ckpt.contains(name.substring(12))) {
            return name.substring(12);
        }
        return name;
    }

    private static NDArray read(SafetensorsCheckpoint ckpt, String name, NDManager manager, DataType dtype,
                                long pieceBytes) {
        TensorInfo info = ckpt.info(name);
        if (!info.dtype().isFloatingPoint()) {
            throw new ModelFormatException(info.file() + ": tensor '" + name + "' has dtype "
                    + info.dtype() + ", expected a floating-point dtype (F32, F16 or BF16)");
        }
        Shape shape = new Shape(info.shape());
        long rows = shape.dimension() == 0 ? 1 : shape.get(0);
        long rowBytes = rows == 0 ? 0 : info.numel() / rows * Float.BYTES;
        NDArray array = info.numel() * Float.BYTES <= pieceBytes || rows == 1
                ? whole(ckpt, name, info, shape, manager, dtype)
                : inPieces(ckpt, name, shape, rows, rowBytes, manager, dtype, pieceBytes);
        Device device = manager.getDevice();
        if (!array.getDevice().equals(device)) {
            NDArray moved = array.toDevice(device, true);
            array.close();
            array = moved;
        }
        return array;
    }

    private static NDArray whole(SafetensorsCheckpoint ckpt, String name, TensorInfo info, Shape shape,
                                 NDManager manager, DataType dtype) {
        if (info.dtype() == DType.F32 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            ByteBuffer bytes = ckpt.slice(name).order(ByteOrder.nativeOrder());
            // create() aliases a direct buffer instead of copying it, and toType(same dtype, copy=true) still
            // aliases in DJL's PyTorch engine: duplicate() is the real copy, taken before the file is unmapped.
            try (NDManager alias = manager.newSubManager()) {
                NDArray view = alias.create(bytes, shape, DataType.FLOAT32);
                NDArray array = dtype == DataType.FLOAT32 ? view.duplicate() : view.toType(dtype, false);
                array.attach(manager);
                return array;
            }
        }
        // F16/BF16 (and big-endian hosts): widened to float32 in Java; DJL cannot build half tensors from buffers
        NDArray f32 = manager.create(ckpt.readFloats(name), shape);
        if (dtype == DataType.FLOAT32) {
            return f32;
        }
        NDArray array = f32.toType(dtype, false);
        f32.close();
        return array;
    }

    /**
     * A tensor larger than {@code pieceBytes} as float32: an uninitialised array of its shape, filled with pieces of
     * whole rows, each widened into one reused direct buffer and copied into place.
     */
    private static NDArray inPieces(SafetensorsCheckpoint ckpt, String name, Shape shape, long rows, long rowBytes,
                                    NDManager manager, DataType dtype, long pieceBytes) {
        if (rowBytes > Integer.MAX_VALUE) {
            throw new ModelFormatException(ckpt.info(name).file() + ": tensor '" + name + "' "
                    + shape + " has rows of " + rowBytes + " bytes as float32, more than the 2 GiB a piece can hold");
        }
        long rowsPerPiece = Math.max(1, Math.min(rows, pieceBytes / Math.max(1, rowBytes)));
        ByteBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(rowsPerPiece * rowBytes))
                .order(ByteOrder.nativeOrder());
        NDArray array = manager.create(shape, dtype);
        try {
            for (long row = 0; row < rows; row += rowsPerPiece) {
                long n = Math.min(rowsPerPiece, rows - row);
                int bytes = Math.toIntExact(n * rowBytes);
                ckpt.readFloats(name, row * (rowBytes / Float.BYTES), buffer.clear().limit(bytes).asFloatBuffer());
                long[] dims = shape.getShape();
                dims[0] = n;
                try (NDManager scratch = manager.newSubManager()) {
                    NDArray piece = scratch.create(buffer.position(0).limit(bytes), new Shape(dims), DataType.FLOAT32);
                    array.set(new NDIndex("{}:{}", row, row + n),
                            dtype == DataType.FLOAT32 ? piece : piece.toType(dtype, false));
                }
            }
            return array;
        } catch (RuntimeException e) {
            array.close();
            throw e;
        }
    }
}
