package io.llmops4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A dense projection {@code y = x W^T + b} with the weight in {@code [out, in]} layout, the layout of
 * PyTorch's {@code nn.Linear} and so of Hugging Face checkpoints. Its parameters are named {@code weight} and
 * {@code bias}, so that adapters can later be injected into chosen projections by name.
 */
public final class Projection extends AbstractBlock {
    private final long in;
    private final long out;
    private final Parameter weight;
    private final Parameter bias;
    private DenseWeight dense;

    Projection(long in, long out, boolean hasBias) {
        this.in = in;
        this.out = out;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
        this.bias = hasBias ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build()) : null;
    }

    /** The weight parameter ({@code [out, in]}). */
    public Parameter weight() {
        return weight;
    }

    /** Shape of the weight: {@code [out, in]}. */
    public Shape weightShape() {
        return new Shape(out, in);
    }

    /** The bias parameter, or {@code null}. */
    public Parameter bias() {
        return bias;
    }

    /** Prepares {@link #apply} for inference with the loaded weights; see {@link DenseWeight}. */
    void prepare(int ways) {
        dense = new DenseWeight(weight.getArray(), bias == null ? null : bias.getArray(), ways);
    }

    NDArray apply(NDArray x) {
        return dense.apply(x);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
        return Linear.linear(x, w, b);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(out)};
    }

    @Override
    protected void initializeChildBlocks(ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {
        // no children
    }

    @Override
    public String toString() {
        return "Projection(" + in + " -> " + out + (bias == null ? "" : ", bias") + ")";
    }
}
