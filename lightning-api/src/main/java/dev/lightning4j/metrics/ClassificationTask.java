package dev.lightning4j.metrics;

import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.Map;

/**
 * The task of a classification metric and how its inputs become labels, shared by
 * {@link Accuracy}, {@link StatScores} and {@link ConfusionMatrix}.
 *
 * <p>Binary: predictions of any shape with a target of the same shape ([N, 1] against [N] is
 * accepted); floating predictions are thresholded according to {@link ScoreType}, integer or bool
 * predictions are taken as labels (non-zero is positive). Targets must be 0 or 1 (any dtype).
 *
 * <p>Multiclass: scores [N, C] (logits or probabilities; the predicted class is the argmax) or
 * integer labels [N], with integer targets [N] (or [N, 1]) in [0, C).
 *
 * <p>Labels out of range cannot be seen inside a traced step, so the step counts them in an
 * {@code invalid} statistic and {@link #checkInvalid} fails on the host with the count.
 */
final class ClassificationTask {
    static final String INVALID = "invalid";

    final boolean binary;
    final int numClasses;
    final ScoreType scoreType;
    final double threshold;

    private ClassificationTask(boolean binary, int numClasses, ScoreType scoreType, double threshold) {
        this.binary = binary;
        this.numClasses = numClasses;
        this.scoreType = scoreType;
        this.threshold = threshold;
    }

    static ClassificationTask binary(String metric, ScoreType scoreType, double threshold) {
        if (scoreType == null) {
            throw new IllegalArgumentException(metric + ": scoreType must be PROBABILITIES or LOGITS, got null");
        }
        boolean ok = scoreType == ScoreType.PROBABILITIES ? threshold >= 0 && threshold <= 1 : threshold > 0 && threshold < 1;
        if (!ok) {
            throw new IllegalArgumentException(metric + ": threshold must be in " + (scoreType == ScoreType.PROBABILITIES
                    ? "[0, 1]" : "(0, 1) (it is a probability even for logits)") + ", got " + threshold);
        }
        return new ClassificationTask(true, 2, scoreType, threshold);
    }

    static ClassificationTask multiclass(String metric, int numClasses) {
        if (numClasses < 2) {
            throw new IllegalArgumentException(metric + ": numClasses must be at least 2, got " + numClasses);
        }
        return new ClassificationTask(false, numClasses, null, Double.NaN);
    }

    /**
     * Binary inputs as flat tensors: {@code [0]} predicted positive (BOOL [M]), {@code [1]} actual
     * positive (BOOL [M]), {@code [2]} the number of targets that are not 0 or 1 (INT64 scalar).
     */
    Tensor[] binaryLabels(String metric, Tensor preds, Tensor target) {
        Tensor[] flat = MetricInputs.flattenPair(metric, preds, target,
                "binary predictions and 0/1 targets of the same shape, e.g. [N] or [N, 1]");
        Tensor p = flat[0];
        Tensor t = flat[1].to(DType.FLOAT32);
        Tensor predicted;
        if (p.dtype().isFloating()) {
            double cut = scoreType == ScoreType.PROBABILITIES ? threshold : Math.log(threshold / (1 - threshold));
            predicted = p.gt(cut);
        } else {
            predicted = p.to(DType.INT64).ne(0);
        }
        Tensor positive = t.eq(1);
        Tensor invalid = MetricInputs.count(positive.logicalOr(t.eq(0)).logicalNot());
        return new Tensor[] {predicted, positive, invalid};
    }

    /**
     * Multiclass inputs: {@code [0]} predicted class (INT64 [N]), {@code [1]} target class (INT64 [N],
     * clamped into range so one-hot encoding never fails), {@code [2]} the number of labels out of
     * range (INT64 scalar), {@code [3]} the scores [N, C] or null when labels were given.
     */
    Tensor[] multiclassLabels(String metric, Tensor preds, Tensor target) {
        String expected = "scores [N, " + numClasses + "] or integer labels [N], and integer targets [N] in [0, "
                + numClasses + ")";
        if (target.dtype().isFloating() || target.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(metric + ": targets must be integer class indices, got "
                    + MetricInputs.shapes(preds, target) + "; expected " + expected);
        }
        Tensor t = target;
        if (t.rank() == 2 && t.size(1) == 1) {
            t = t.reshape(-1);
        }
        if (t.rank() != 1) {
            throw new IllegalArgumentException(metric + ": " + MetricInputs.shapes(preds, target) + "; expected " + expected);
        }
        Tensor labels;
        Tensor scores = null;
        if (preds.dtype().isFloating()) {
            if (preds.rank() != 2 || preds.size(1) != numClasses
                    || !MetricInputs.compatible(dev.lightning4j.tensor.Shape.of(preds.size(0)), t.shape())) {
                throw new IllegalArgumentException(metric + ": " + MetricInputs.shapes(preds, target) + "; expected " + expected);
            }
            scores = preds;
            labels = preds.argmax(1, false);
        } else {
            if (preds.dtype() == DType.BOOL || !MetricInputs.compatible(preds.shape(), t.shape())) {
                throw new IllegalArgumentException(metric + ": " + MetricInputs.shapes(preds, target) + "; expected " + expected);
            }
            labels = preds.to(DType.INT64);
        }
        t = t.to(DType.INT64);
        Tensor invalid = MetricInputs.count(outOfRange(t)).add(MetricInputs.count(outOfRange(labels)));
        return new Tensor[] {labels.clamp(0, numClasses - 1), t.clamp(0, numClasses - 1), invalid, scores};
    }

    private Tensor outOfRange(Tensor labels) {
        return labels.lt(0).logicalOr(labels.ge(numClasses));
    }

    /** Fails when a batch had labels out of range. */
    static void checkInvalid(Metric metric, ClassificationTask task, Map<String, HostArray> statistics) {
        double invalid = MetricInputs.scalar(metric, statistics, INVALID);
        if (invalid > 0) {
            throw new IllegalArgumentException(metric.name() + ": " + (long) invalid + (task.binary
                    ? " targets in the batch are not 0 or 1"
                    : " targets or predicted labels in the batch are outside [0, " + task.numClasses + ")"));
        }
    }
}
