package io.llmops4j.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
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

    /** Loads every parameter of {@code model} from {@code ckpt} into arrays owned by {@code manager}. */
    public static void load(Transformer model, SafetensorsCheckpoint ckpt, NDManager manager, DataType dtype) {
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
            NDArray array = read(ckpt, storedName(ckpt, name), manager, dtype);
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

    private static NDArray read(SafetensorsCheckpoint ckpt, String name, NDManager manager, DataType dtype) {
        TensorInfo info = ckpt.info(name);
        Shape shape = new Shape(info.shape());
        Device device = manager.getDevice();
        NDArray array;
        if (info.dtype() == DType.F32 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            ByteBuffer bytes = ckpt.slice(name).order(ByteOrder.nativeOrder());
            // create() aliases a direct buffer instead of copying it, and toType(same dtype, copy=true) still
            // aliases in DJL's PyTorch engine: duplicate() is the real copy, taken before the file is unmapped.
            try (NDManager alias = manager.newSubManager()) {
                NDArray view = alias.create(bytes, shape, DataType.FLOAT32);
                array = dtype == DataType.FLOAT32 ? view.duplicate() : view.toType(dtype, false);
                array.attach(manager);
            }
        } else if (info.dtype().isFloatingPoint()) {
            // F16/BF16 (and big-endian hosts): widened to float32 in Java; DJL cannot build half tensors from buffers
            NDArray f32 = manager.create(ckpt.readFloats(name), shape);
            if (dtype == DataType.FLOAT32) {
                array = f32;
            } else {
                array = f32.toType(dtype, false);
                f32.close();
            }
        } else {
            throw new io.llmops4j.core.ModelFormatException(info.file() + ": tensor '" + name + "' has dtype "
                    + info.dtype() + ", expected a floating-point dtype (F32, F16 or BF16)");
        }
        if (!array.getDevice().equals(device)) {
            NDArray moved = array.toDevice(device, true);
            array.close();
            array = moved;
        }
        return array;
    }
}
