package dev.lightning4j.metrics;

import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The C×C table of counts, row = actual class, column = predicted class (torchmetrics'
 * convention). A batch contributes its table, computed inside the step as a histogram of
 * {@code actual * C + predicted}, so no host reads are needed.
 *
 * <p>{@link #matrix()} gives the table; {@link #compute()} gives its trace over its total, the
 * (micro) accuracy, so that logging the metric yields a meaningful scalar. Inputs are as for
 * {@link Accuracy}: {@link #binary()} gives a 2×2 table (class 1 = positive).
 */
public final class ConfusionMatrix extends Metric {
    private final ClassificationTask task;
    private final double[] counts;

    private ConfusionMatrix(ClassificationTask task) {
        this.task = task;
        this.counts = new double[task.numClasses * task.numClasses];
    }

    /** Binary, on probabilities with threshold 0.5. */
    public static ConfusionMatrix binary() {
        return binary(ScoreType.PROBABILITIES, 0.5);
    }

    /** Binary with the given score type and threshold. */
    public static ConfusionMatrix binary(ScoreType scoreType, double threshold) {
        return new ConfusionMatrix(ClassificationTask.binary("ConfusionMatrix", scoreType, threshold));
    }

    /** Multiclass over {@code numClasses} classes. */
    public static ConfusionMatrix multiclass(int numClasses) {
        return new ConfusionMatrix(ClassificationTask.multiclass("ConfusionMatrix", numClasses));
    }

    /** The number of classes (2 for binary). */
    public int numClasses() {
        return task.numClasses;
    }

    @Override
    public Map<String, Tensor> batchStatistics(Tensor preds, Tensor target) {
        Tensor predicted;
        Tensor actual;
        Tensor invalid;
        if (task.binary) {
            Tensor[] in = task.binaryLabels(name(), preds, target);
            predicted = in[0].to(DType.INT64);
            actual = in[1].to(DType.INT64);
            invalid = in[2];
        } else {
            Tensor[] in = task.multiclassLabels(name(), preds, target);
            predicted = in[0];
            actual = in[1];
            invalid = in[2];
        }
        int c = task.numClasses;
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("counts", actual.mul(c).add(predicted).oneHot(c * c, DType.INT64).sum(0, false));
        out.put(ClassificationTask.INVALID, invalid);
        return out;
    }

    @Override
    public void accumulate(Map<String, HostArray> statistics) {
        ClassificationTask.checkInvalid(this, task, statistics);
        MetricInputs.add(counts, MetricInputs.vector(this, statistics, "counts", counts.length));
    }

    /** Accuracy: the diagonal's share of all counts; NaN when empty. */
    @Override
    public double compute() {
        double total = 0;
        double diagonal = 0;
        int c = task.numClasses;
        for (int i = 0; i < counts.length; i++) {
            total += counts[i];
            if (i / c == i % c) {
                diagonal += counts[i];
            }
        }
        return total == 0 ? Double.NaN : diagonal / total;
    }

    /** The counts, {@code [actual][predicted]}. */
    public long[][] matrix() {
        int c = task.numClasses;
        long[][] out = new long[c][c];
        for (int i = 0; i < counts.length; i++) {
            out[i / c][i % c] = (long) counts[i];
        }
        return out;
    }

    /** Each row divided by its sum (recall per class on the diagonal); rows without examples stay 0. */
    public double[][] normalizedByActual() {
        long[][] m = matrix();
        double[][] out = new double[m.length][m.length];
        for (int i = 0; i < m.length; i++) {
            long row = 0;
            for (long v : m[i]) {
                row += v;
            }
            for (int j = 0; j < m.length; j++) {
                out[i][j] = MetricInputs.safeDivide(m[i][j], row);
            }
        }
        return out;
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(counts, 0);
    }
}
