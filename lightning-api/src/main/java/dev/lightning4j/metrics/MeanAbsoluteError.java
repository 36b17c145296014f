package dev.lightning4j.metrics;

import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mean absolute error over every element seen, {@code sum |preds - target| / count}. A batch
 * contributes its sum and count (in float64), so the epoch value weighs every element equally
 * whatever the batch sizes.
 */
public class MeanAbsoluteError extends Metric {
    private double sum;
    private double count;

    /** A mean absolute error. */
    public MeanAbsoluteError() {
    }

    @Override
    public Map<String, Tensor> batchStatistics(Tensor preds, Tensor target) {
        Tensor[] in = MetricInputs.regressionPair(name(), preds, target);
        Tensor err = in[0].sub(in[1]).abs();
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("sum_abs_error", err.sum());
        out.put("count", MetricInputs.numel(err));
        return out;
    }

    @Override
    public void accumulate(Map<String, HostArray> statistics) {
        sum += MetricInputs.scalar(this, statistics, "sum_abs_error");
        count += MetricInputs.scalar(this, statistics, "count");
    }

    /** The mean absolute error; NaN when empty. */
    @Override
    public double compute() {
        return count == 0 ? Double.NaN : sum / count;
    }

    @Override
    public void reset() {
        sum = 0;
        count = 0;
    }
}
