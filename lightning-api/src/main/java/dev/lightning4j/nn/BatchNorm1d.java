package dev.lightning4j.nn;

import dev.lightning4j.tensor.Tensor;

/**
 * Batch normalisation over {@code [N, C]} or {@code [N, C, L]}, as {@code torch.nn.BatchNorm1d}
 * (defaults {@code eps = 1e-5}, {@code momentum = 0.1}, affine, tracking running statistics); see
 * {@link BatchNormBase} for the parameters, buffers and the training/evaluation behaviour.
 */
public class BatchNorm1d extends BatchNormBase {

    /** PyTorch's defaults. */
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true);
    }

    /** Every option; a null {@code momentum} means a cumulative moving average. */
    public BatchNorm1d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super("BatchNorm1d", numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected void checkRank(Tensor input) {
        if (input.rank() != 2 && input.rank() != 3) {
            throw new IllegalArgumentException(this + ": expected input of shape [N, " + numFeatures() + "] or [N, "
                    + numFeatures() + ", L], got " + input.shape());
        }
    }
}
