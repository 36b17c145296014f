package dev.lightning4j.nn;

import dev.lightning4j.tensor.Tensor;

/**
 * Flattens dimensions {@code startDim} to the last into one, as {@code torch.nn.Flatten} (whose
 * default {@code start_dim = 1} keeps the batch dimension).
 */
public class Flatten extends Module {
    private final int startDim;

    /** Flattens every dimension after the batch dimension. */
    public Flatten() {
        this(1);
    }

    /** Flattens from {@code startDim} (negative counts from the end) to the last dimension. */
    public Flatten(int startDim) {
        this.startDim = startDim;
    }

    /** The first dimension flattened. */
    public int startDim() {
        return startDim;
    }

    @Override
    public Tensor forward(Tensor input) {
        int rank = input.rank();
        int s = startDim < 0 ? startDim + rank : startDim;
        if (s < 0 || s >= Math.max(rank, 1)) {
            throw new IllegalArgumentException("Flatten(startDim=" + startDim + "): input shape " + input.shape()
                    + " has rank " + rank + "; expected a rank above " + s);
        }
        if (rank == 0 || s == rank - 1) {
            return rank == 0 ? input.reshape(1) : input;
        }
        return input.flatten(s);
    }

    @Override
    public String toString() {
        return "Flatten(start_dim=" + startDim + ")";
    }
}
