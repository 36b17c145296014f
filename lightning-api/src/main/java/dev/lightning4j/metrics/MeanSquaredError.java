package dev.lightning4j.metrics;

import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mean squared error over every element seen, or its square root when {@code squared} is false
 * (torchmetrics' {@code MeanSquaredError(squared=False)}; see {@link RootMeanSquaredError}). The
 * root is taken of the epoch's mean, not averaged over batches.
 */
public class MeanSquaredError extends Metric {
    private final boolean squared;
    private double sum;
    private double count;

    /** The mean squared error. */
    public MeanSquaredError() {
        this(true);
    }

    /** The mean squared error, or its root when {@code squared} is false. */
    public MeanSquaredError(boolean squared) {
        this.squared = squared;
    }

    @Override
    public Map<String, Tensor> batchStatistics(Tensor preds, Tensor target) {
        Tensor[] in = MetricInputs.regressionPair(name(), preds, target);
        Tensor err = in[0].sub(in[1]).square();
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("sum_squared_error", err.sum());
        out.put("count", MetricInputs.numel(err));
        return out;
    }

    @Override
    public void accumulate(Map<String, HostArray> statistics) {
        sum += MetricInputs.scalar(this, statistics, "sum_squared_error");
        count += MetricInputs.scalar(this, statistics, "count");
    }

    /** The mean squared error (or its root); NaN when empty. */
    @Override
    public double compute() {
        if (count == 0) {
            return Double.NaN;
        }
        double mse = sum / count;
        return squared ? mse : Math.sqrt(mse);
    }

    @Override
    public void reset() {
        sum = 0;
        count = 0;
    }
}
