package dev.lightning4j.metrics;

import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The base of metrics defined by true positives, false positives and false negatives
 * ({@link Precision}, {@link Recall}, {@link F1Score}), as torchmetrics' {@code StatScores}.
 *
 * <p>A batch contributes counts only: binary tasks count one (positive) class, multiclass tasks
 * count each class. A score whose denominator is zero is 0 (torchmetrics' {@code zero_division=0});
 * {@link #compute()} is NaN only when nothing has been accumulated.
 */
public abstract class StatScores extends Metric {
    private final ClassificationTask task;
    private final Average average;
    private final double[] tp;
    private final double[] fp;
    private final double[] fn;
    private double examples;

    /**
     * @param task    binary or multiclass, with its options
     * @param average how multiclass per-class scores combine; ignored for binary tasks
     */
    StatScores(ClassificationTask task, Average average) {
        if (!task.binary && average == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": average must be MICRO or MACRO, got null");
        }
        this.task = task;
        this.average = task.binary ? Average.MICRO : average;
        int n = task.binary ? 1 : task.numClasses;
        this.tp = new double[n];
        this.fp = new double[n];
        this.fn = new double[n];
    }

    /** The score of one class (or of the micro sums) from its counts; 0 when undefined. */
    protected abstract double score(double tp, double fp, double fn);

    @Override
    public Map<String, Tensor> batchStatistics(Tensor preds, Tensor target) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (task.binary) {
            Tensor[] in = task.binaryLabels(name(), preds, target);
            Tensor p = in[0];
            Tensor t = in[1];
            out.put("tp", MetricInputs.count(p.logicalAnd(t)));
            out.put("fp", MetricInputs.count(p.logicalAnd(t.logicalNot())));
            out.put("fn", MetricInputs.count(p.logicalNot().logicalAnd(t)));
            out.put("examples", MetricInputs.numel(t.to(DType.INT64)));
            out.put(ClassificationTask.INVALID, in[2]);
        } else {
            Tensor[] in = task.multiclassLabels(name(), preds, target);
            Tensor predicted = in[0].oneHot(task.numClasses, DType.INT64);
            Tensor actual = in[1].oneHot(task.numClasses, DType.INT64);
            Tensor truePos = predicted.mul(actual).sum(0, false);
            out.put("tp", truePos);
            out.put("fp", predicted.sum(0, false).sub(truePos));
            out.put("fn", actual.sum(0, false).sub(truePos));
            out.put("examples", MetricInputs.numel(in[1]));
            out.put(ClassificationTask.INVALID, in[2]);
        }
        return out;
    }

    @Override
    public void accumulate(Map<String, HostArray> statistics) {
        ClassificationTask.checkInvalid(this, task, statistics);
        int n = tp.length;
        double[] batchTp = MetricInputs.vector(this, statistics, "tp", n);
        double[] batchFp = MetricInputs.vector(this, statistics, "fp", n);
        double[] batchFn = MetricInputs.vector(this, statistics, "fn", n);
        double batchExamples = MetricInputs.scalar(this, statistics, "examples");
        MetricInputs.add(tp, batchTp);
        MetricInputs.add(fp, batchFp);
        MetricInputs.add(fn, batchFn);
        examples += batchExamples;
    }

    @Override
    public double compute() {
        if (examples == 0) {
            return Double.NaN;
        }
        if (average == Average.MICRO) {
            return score(sum(tp), sum(fp), sum(fn));
        }
        double total = 0;
        int classes = 0;
        for (int c = 0; c < tp.length; c++) {
            // As torchmetrics: a class absent from both targets and predictions does not count.
            if (tp[c] + fp[c] + fn[c] > 0) {
                total += score(tp[c], fp[c], fn[c]);
                classes++;
            }
        }
        return MetricInputs.safeDivide(total, classes);
    }

    /**
     * The score of each class (multiclass) or of the positive class (binary), over everything
     * accumulated; 0 where undefined.
     */
    public double[] perClass() {
        double[] out = new double[tp.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = score(tp[c], fp[c], fn[c]);
        }
        return out;
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(tp, 0);
        java.util.Arrays.fill(fp, 0);
        java.util.Arrays.fill(fn, 0);
        examples = 0;
    }

    /** The number of examples accumulated. */
    public long examples() {
        return (long) examples;
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    static ClassificationTask binaryTask(String metric, ScoreType scoreType, double threshold) {
        return ClassificationTask.binary(metric, scoreType, threshold);
    }

    static ClassificationTask multiclassTask(String metric, int numClasses) {
        return ClassificationTask.multiclass(metric, numClasses);
    }
}
