package dev.lightning4j.metrics;

import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binary area under the ROC curve, exact, as {@code sklearn.metrics.roc_auc_score} and
 * torchmetrics' {@code BinaryAUROC} without thresholds.
 *
 * <p>The area depends on the order of all scores, so there are no sufficient statistics: a batch's
 * statistics are its raw scores and targets, which the host concatenates. The curve is the
 * trapezoidal ROC through one point per distinct score, so tied scores form one diagonal segment;
 * that equals the probability that a random positive scores higher than a random negative, with
 * ties counting one half (the Mann-Whitney statistic), which is how it is computed here.
 *
 * <p>Predictions may be probabilities or logits (any monotone transform gives the same area), of
 * any shape with targets 0/1 of the same shape ([N, 1] against [N] is fine). {@link #compute()} is
 * NaN when the accumulated targets are all of one class (the ROC curve is undefined; sklearn
 * raises, torchmetrics warns and returns 0) or a score is NaN.
 */
public final class AUROC extends Metric {
    private double[] scores = new double[1024];
    private boolean[] positive = new boolean[1024];
    private int size;

    /** A binary AUROC. */
    public AUROC() {
    }

    @Override
    public Map<String, Tensor> batchStatistics(Tensor preds, Tensor target) {
        Tensor[] flat = MetricInputs.flattenPair(name(), preds, target,
                "binary scores and 0/1 targets of the same shape, e.g. [N] or [N, 1]");
        MetricInputs.requireFloatingPreds(name(), preds, target);
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("scores", flat[0]);
        // As float, so the host can check that every target is exactly 0 or 1.
        out.put("target", flat[1].to(DType.FLOAT32));
        return out;
    }

    @Override
    public void accumulate(Map<String, HostArray> statistics) {
        double[] s = MetricInputs.get(this, statistics, "scores").toDoubleArray();
        double[] t = MetricInputs.get(this, statistics, "target").toDoubleArray();
        if (s.length != t.length) {
            throw new IllegalArgumentException(name() + ": " + s.length + " scores but " + t.length + " targets");
        }
        for (double v : t) {
            if (v != 0 && v != 1) {
                throw new IllegalArgumentException(name() + ": targets must be 0 or 1, got " + v);
            }
        }
        if (size + s.length > scores.length) {
            int capacity = Math.max(scores.length * 2, size + s.length);
            scores = Arrays.copyOf(scores, capacity);
            positive = Arrays.copyOf(positive, capacity);
        }
        for (int i = 0; i < s.length; i++) {
            scores[size] = s[i];
            positive[size++] = t[i] == 1;
        }
    }

    @Override
    public double compute() {
        int p = 0;
        for (int i = 0; i < size; i++) {
            if (Double.isNaN(scores[i])) {
                return Double.NaN;
            }
            p += positive[i] ? 1 : 0;
        }
        int n = size - p;
        if (p == 0 || n == 0) {
            return Double.NaN;
        }
        double[] pos = new double[p];
        double[] neg = new double[n];
        int ip = 0;
        int in = 0;
        for (int i = 0; i < size; i++) {
            if (positive[i]) {
                pos[ip++] = scores[i];
            } else {
                neg[in++] = scores[i];
            }
        }
        Arrays.sort(pos);
        Arrays.sort(neg);
        // For each positive (ascending), count negatives strictly below it and equal to it.
        double wins = 0;
        int below = 0;
        int upTo = 0;
        for (double s : pos) {
            while (below < n && neg[below] < s) {
                below++;
            }
            if (upTo < below) {
                upTo = below;
            }
            while (upTo < n && neg[upTo] <= s) {
                upTo++;
            }
            wins += below + 0.5 * (upTo - below);
        }
        return wins / ((double) p * n);
    }

    @Override
    public void reset() {
        size = 0;
    }

    /** The number of scores accumulated. */
    public int examples() {
        return size;
    }
}
