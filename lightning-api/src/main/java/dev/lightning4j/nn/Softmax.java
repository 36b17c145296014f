package dev.lightning4j.nn;

import dev.lightning4j.tensor.Tensor;

/** Softmax along one dimension, as {@code torch.nn.Softmax(dim)}. */
public class Softmax extends Module {
    private final int dim;

    /** Softmax along {@code dim} (negative counts from the end). */
    public Softmax(int dim) {
        this.dim = dim;
    }

    /** The dimension normalised over. */
    public int dim() {
        return dim;
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.softmax(dim);
    }

    @Override
    public String toString() {
        return "Softmax(dim=" + dim + ")";
    }
}
