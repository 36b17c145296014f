package dev.lightning4j.nn;

import dev.lightning4j.nn.functional.F;
import dev.lightning4j.nn.init.Init;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import dev.lightning4j.tensor.Tensor;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share, as PyTorch's {@code _BatchNorm}: affine
 * {@code weight} (ones) and {@code bias} (zeros) of shape {@code [C]}, and the buffers
 * {@code running_mean} (zeros), {@code running_var} (ones) and {@code num_batches_tracked} (an
 * INT64 scalar), under PyTorch's names.
 *
 * <p>In training mode the output is normalised with the batch's mean and biased variance over every
 * dimension but the channel one, and the running statistics are updated inside the step:
 * {@code running = (1 - momentum) * running + momentum * batch}, using the <em>unbiased</em> batch
 * variance for {@code running_var}, as PyTorch does. A null momentum gives the cumulative average
 * ({@code momentum = 1 / num_batches_tracked}). In evaluation mode the running statistics are used.
 * Without {@code trackRunningStats} there are no buffers and batch statistics are always used.
 */
public abstract class BatchNormBase extends Module {
    private final String kind;
    private final int numFeatures;
    private final double eps;
    private final Double momentum;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private final Parameter numBatchesTracked;

    /** Checks the arguments and registers the parameters and buffers. */
    protected BatchNormBase(String kind, int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        this.kind = kind;
        if (numFeatures <= 0) {
            throw new IllegalArgumentException(kind + ": numFeatures must be positive, got " + numFeatures);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException(kind + ": eps must be positive, got " + eps);
        }
        if (momentum != null && !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(kind + ": momentum must be in [0, 1] (or null for a cumulative average), got " + momentum);
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        Shape c = Shape.of(numFeatures);
        this.weight = affine ? registerParameter("weight", Init.ones(c)) : null;
        this.bias = affine ? registerParameter("bias", Init.zeros(c)) : null;
        if (trackRunningStats) {
            runningMean = registerBuffer("running_mean", Init.zeros(c));
            runningVar = registerBuffer("running_var", Init.ones(c));
            numBatchesTracked = registerBuffer("num_batches_tracked", HostArray.of(new long[] {0}));
        } else {
            runningMean = null;
            runningVar = null;
            numBatchesTracked = null;
        }
    }

    /** The number of channels C. */
    public int numFeatures() {
        return numFeatures;
    }

    /** The value added to the variance. */
    public double eps() {
        return eps;
    }

    /** The running-statistics momentum, or null for a cumulative average. */
    public Double momentum() {
        return momentum;
    }

    /** The scale {@code [C]}, or null without affine. */
    public Parameter weight() {
        return weight;
    }

    /** The shift {@code [C]}, or null without affine. */
    public Parameter bias() {
        return bias;
    }

    /** The buffer {@code running_mean}, or null without running statistics. */
    public Parameter runningMean() {
        return runningMean;
    }

    /** The buffer {@code running_var}, or null without running statistics. */
    public Parameter runningVar() {
        return runningVar;
    }

    /** The INT64 scalar buffer {@code num_batches_tracked}, or null without running statistics. */
    public Parameter numBatchesTracked() {
        return numBatchesTracked;
    }

    /** Checks the input rank (the subclass's layouts), naming the layer. */
    protected abstract void checkRank(Tensor input);

    @Override
    public Tensor forward(Tensor input) {
        checkRank(input);
        long c = input.size(1);
        if (c != Shape.UNKNOWN && c != numFeatures) {
            throw new IllegalArgumentException(this + ": input " + input.shape() + " has " + c + " channels in dimension 1; expected "
                    + numFeatures);
        }
        if (!input.dtype().isFloating()) {
            throw new IllegalArgumentException(this + ": input must be floating point, got " + input.dtype());
        }
        Tensor w = weight == null ? null : weight.value();
        Tensor b = bias == null ? null : bias.value();
        boolean useBatchStats = isTraining() || runningMean == null;
        if (!useBatchStats) {
            return F.batchNorm(input, runningMean.value(), runningVar.value(), w, b, false, eps);
        }
        int[] dims = F.batchNormDims(input.rank());
        long count = 1;
        for (int d : dims) {
            long n = input.size(d);
            count = count == Shape.UNKNOWN || n == Shape.UNKNOWN ? Shape.UNKNOWN : count * n;
        }
        if (count == 1) {
            throw new IllegalArgumentException(this + ": expected more than 1 value per channel when training, got input "
                    + input.shape());
        }
        Tensor mean = input.mean(dims, false);
        Tensor biasedVar = input.sub(input.mean(dims, true)).square().mean(dims, false);
        if (isTraining() && runningMean != null) {
            updateRunningStats(input, dims, count, mean, biasedVar);
        }
        // Normalise with the batch statistics through the evaluation-mode formula: one code path.
        return F.batchNorm(input, mean, biasedVar, w, b, false, eps);
    }

    private void updateRunningStats(Tensor input, int[] dims, long count, Tensor mean, Tensor biasedVar) {
        Tensor tracked = numBatchesTracked.value().add(1);
        numBatchesTracked.assign(tracked);
        Tensor unbiasedVar;
        if (count != Shape.UNKNOWN) {
            unbiasedVar = biasedVar.mul((double) count / (count - 1));
        } else {
            // The batch size is unknown while tracing: count the elements per channel on the engine.
            Tensor n = input.onesLike().sum(dims, false);
            unbiasedVar = biasedVar.mul(n).div(n.sub(1));
        }
        Tensor m = mean.detach();
        Tensor v = unbiasedVar.detach();
        Tensor rm = runningMean.value();
        Tensor rv = runningVar.value();
        if (momentum != null) {
            double f = momentum;
            runningMean.assign(rm.mul(1 - f).add(m.mul(f)));
            runningVar.assign(rv.mul(1 - f).add(v.mul(f)));
        } else {
            Tensor f = tracked.to(rm.dtype()).pow(-1.0); // 1 / num_batches_tracked (>= 1 here)
            runningMean.assign(rm.add(m.sub(rm).mul(f)));
            runningVar.assign(rv.add(v.sub(rv).mul(f)));
        }
    }

    @Override
    public String toString() {
        return kind + "(" + numFeatures + ", eps=" + eps + ", momentum=" + momentum + ", affine=" + (weight != null)
                + ", track_running_stats=" + (runningMean != null) + ")";
    }
}
