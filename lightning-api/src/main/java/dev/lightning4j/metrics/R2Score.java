package dev.lightning4j.metrics;

import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Coefficient of determination, {@code 1 - SS_res / SS_tot}, as torchmetrics' {@code R2Score}.
 *
 * <p>A batch contributes, per output, the sums of the targets, of their squares and of the squared
 * errors (in float64) and its row count; the host then has {@code SS_tot = Σy² - (Σy)²/n} over the
 * whole epoch, so the mean it centres on is the epoch's, not each batch's. Predictions [N] (or
 * [N, 1]) are one output; [N, d] are d outputs whose scores are averaged uniformly (torchmetrics'
 * {@code multioutput="uniform_average"}). {@link #compute()} is NaN with fewer than two rows or a
 * constant target.
 */
public final class R2Score extends Metric {
    private double[] sumTarget = new double[0];
    private double[] sumSquaredTarget = new double[0];
    private double[] sumSquaredError = new double[0];
    private double rows;

    /** An R² score. */
    public R2Score() {
    }

    @Override
    public Map<String, Tensor> batchStatistics(Tensor preds, Tensor target) {
        Tensor[] in = MetricInputs.regressionPair(name(), preds, target);
        Tensor p = in[0];
        Tensor t = in[1];
        if (p.rank() == 1) {
            p = p.unsqueeze(1);
            t = t.unsqueeze(1);
        }
        if (p.rank() != 2) {
            throw new IllegalArgumentException(name() + ": " + MetricInputs.shapes(preds, target)
                    + "; expected predictions [N] or [N, outputs]");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("sum_target", t.sum(0, false));
        out.put("sum_squared_target", t.square().sum(0, false));
        out.put("sum_squared_error", p.sub(t).square().sum(0, false));
        out.put("rows", MetricInputs.numel(t.select(1, 0)));
        return out;
    }

    @Override
    public void accumulate(Map<String, HostArray> statistics) {
        double[] st = MetricInputs.get(this, statistics, "sum_target").toDoubleArray();
        if (rows == 0 && sumTarget.length != st.length) {
            sumTarget = new double[st.length];
            sumSquaredTarget = new double[st.length];
            sumSquaredError = new double[st.length];
        }
        if (st.length != sumTarget.length) {
            throw new IllegalArgumentException(name() + ": a batch has " + st.length + " outputs, earlier ones had "
                    + sumTarget.length);
        }
        MetricInputs.add(sumTarget, st);
        MetricInputs.add(sumSquaredTarget, MetricInputs.vector(this, statistics, "sum_squared_target", st.length));
        MetricInputs.add(sumSquaredError, MetricInputs.vector(this, statistics, "sum_squared_error", st.length));
        rows += MetricInputs.scalar(this, statistics, "rows");
    }

    /** R² averaged over the outputs; NaN with fewer than two rows or a constant target. */
    @Override
    public double compute() {
        if (rows < 2) {
            return Double.NaN;
        }
        double total = 0;
        for (int i = 0; i < sumTarget.length; i++) {
            double ssTot = sumSquaredTarget[i] - sumTarget[i] * sumTarget[i] / rows;
            if (ssTot <= 0) {
                return Double.NaN;
            }
            total += 1 - sumSquaredError[i] / ssTot;
        }
        return total / sumTarget.length;
    }

    @Override
    public void reset() {
        Arrays.fill(sumTarget, 0);
        Arrays.fill(sumSquaredTarget, 0);
        Arrays.fill(sumSquaredError, 0);
        rows = 0;
    }
}
