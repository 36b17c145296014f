package dev.lightning4j.metrics;

import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The share of correctly classified examples.
 *
 * <ul>
 *   <li>{@link #binary()}: floating predictions are probabilities, positive when {@code p > 0.5};
 *       {@link #binary(ScoreType, double)} takes logits or another threshold. Integer or bool
 *       predictions are labels. Targets are 0/1 of the same shape ([N, 1] against [N] is fine).</li>
 *   <li>{@link #multiclass(int)}: scores [N, C] (logits or probabilities, the argmax is the
 *       prediction) or integer labels [N], with integer targets [N]. {@link Average#MICRO} (the
 *       default here) is the fraction of correct examples; {@link Average#MACRO} is the mean
 *       per-class recall over the classes that occur. Note that torchmetrics' multiclass default
 *       is macro; this one is micro because that is what "accuracy" means in most reports.</li>
 *   <li>Top-k ({@link #multiclass(int, Average, int)}, k &gt; 1): an example is correct when fewer
 *       than k classes score strictly higher than its target class. Ties therefore count in the
 *       target's favour, where {@code torch.topk} would break them by position. Needs scores.</li>
 * </ul>
 */
public final class Accuracy extends Metric {
    private final ClassificationTask task;
    private final Average average;
    private final int topK;
    /** Per target class (one entry for binary): examples classified correctly, examples, and predictions of that class. */
    private final double[] correct;
    private final double[] support;
    private final double[] predicted;

    private Accuracy(ClassificationTask task, Average average, int topK) {
        if (average == null) {
            throw new IllegalArgumentException("Accuracy: average must be MICRO or MACRO, got null");
        }
        if (topK < 1 || topK > task.numClasses) {
            throw new IllegalArgumentException("Accuracy: topK must be in [1, " + task.numClasses + "], got " + topK);
        }
        this.task = task;
        this.average = task.binary ? Average.MICRO : average;
        this.topK = topK;
        int n = task.binary ? 1 : task.numClasses;
        this.correct = new double[n];
        this.support = new double[n];
        this.predicted = new double[n];
    }

    /** Binary, on probabilities with threshold 0.5. */
    public static Accuracy binary() {
        return binary(ScoreType.PROBABILITIES, 0.5);
    }

    /**
     * Binary.
     *
     * @param scoreType whether floating predictions are probabilities or logits
     * @param threshold the probability above which a prediction is positive
     */
    public static Accuracy binary(ScoreType scoreType, double threshold) {
        return new Accuracy(ClassificationTask.binary("Accuracy", scoreType, threshold), Average.MICRO, 1);
    }

    /** Multiclass top-1, micro: the fraction of examples whose argmax is the target. */
    public static Accuracy multiclass(int numClasses) {
        return multiclass(numClasses, Average.MICRO, 1);
    }

    /** Multiclass top-k with the given averaging. */
    public static Accuracy multiclass(int numClasses, Average average, int topK) {
        return new Accuracy(ClassificationTask.multiclass("Accuracy", numClasses), average, topK);
    }

    @Override
    public Map<String, Tensor> batchStatistics(Tensor preds, Tensor target) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (task.binary) {
            Tensor[] in = task.binaryLabels(name(), preds, target);
            out.put("correct", MetricInputs.count(in[0].eq(in[1])));
            out.put("support", MetricInputs.numel(in[1].to(DType.INT64)));
            out.put(ClassificationTask.INVALID, in[2]);
            return out;
        }
        Tensor[] in = task.multiclassLabels(name(), preds, target);
        Tensor labels = in[0];
        Tensor t = in[1];
        Tensor hit;
        if (topK == 1) {
            hit = labels.eq(t);
        } else {
            Tensor scores = in[3];
            if (scores == null) {
                throw new IllegalArgumentException("Accuracy: top-" + topK + " needs scores [N, " + task.numClasses
                        + "], got integer labels " + MetricInputs.shapes(preds, target));
            }
            Tensor targetScore = scores.gather(1, t.unsqueeze(1));
            Tensor higher = scores.gt(targetScore).to(DType.INT64).sum(1, false);
            hit = higher.lt(topK);
        }
        Tensor actual = t.oneHot(task.numClasses, DType.INT64);
        out.put("correct", actual.mul(hit.to(DType.INT64).unsqueeze(1)).sum(0, false));
        out.put("support", actual.sum(0, false));
        out.put("predicted", labels.oneHot(task.numClasses, DType.INT64).sum(0, false));
        out.put(ClassificationTask.INVALID, in[2]);
        return out;
    }

    @Override
    public void accumulate(Map<String, HostArray> statistics) {
        ClassificationTask.checkInvalid(this, task, statistics);
        int n = correct.length;
        double[] c = MetricInputs.vector(this, statistics, "correct", n);
        double[] s = MetricInputs.vector(this, statistics, "support", n);
        double[] p = task.binary ? new double[1] : MetricInputs.vector(this, statistics, "predicted", n);
        MetricInputs.add(correct, c);
        MetricInputs.add(support, s);
        MetricInputs.add(predicted, p);
    }

    @Override
    public double compute() {
        double examples = Arrays.stream(support).sum();
        if (examples == 0) {
            return Double.NaN;
        }
        if (average == Average.MICRO) {
            return Arrays.stream(correct).sum() / examples;
        }
        double total = 0;
        int classes = 0;
        for (int c = 0; c < correct.length; c++) {
            // As torchmetrics: top-1 leaves out classes neither present nor predicted; top-k those not present.
            boolean occurs = topK == 1 ? support[c] + predicted[c] > 0 : support[c] > 0;
            if (occurs) {
                total += MetricInputs.safeDivide(correct[c], support[c]);
                classes++;
            }
        }
        return MetricInputs.safeDivide(total, classes);
    }

    @Override
    public void reset() {
        Arrays.fill(correct, 0);
        Arrays.fill(support, 0);
        Arrays.fill(predicted, 0);
    }

    @Override
    public String name() {
        return topK == 1 ? "Accuracy" : "Accuracy(top-" + topK + ")";
    }
}
