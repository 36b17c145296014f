package dev.lightning4j.nn;

import dev.lightning4j.tensor.Tensor;

/** Log-softmax along one dimension, as {@code torch.nn.LogSoftmax(dim)}. */
public class LogSoftmax extends Module {
    private final int dim;

    /** Log-softmax along {@code dim} (negative counts from the end). */
    public LogSoftmax(int dim) {
        this.dim = dim;
    }

    /** The dimension normalised over. */
    public int dim() {
        return dim;
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.logSoftmax(dim);
    }

    @Override
    public String toString() {
        return "LogSoftmax(dim=" + dim + ")";
    }
}
