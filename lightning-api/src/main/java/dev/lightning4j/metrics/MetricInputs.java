package dev.lightning4j.metrics;

import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import dev.lightning4j.tensor.Tensor;
import java.util.Map;

/**
 * Input checks and host-side reading shared by the metrics. Checks look only at static shapes and
 * dtypes (a dimension unknown while tracing matches anything); value checks that need the data
 * (labels out of range) are counted inside the step and reported by {@code accumulate}.
 */
final class MetricInputs {
    private MetricInputs() {
    }

    static String shapes(Tensor preds, Tensor target) {
        return "preds " + preds.shape() + " " + preds.dtype() + ", target " + target.shape() + " " + target.dtype();
    }

    /** True when the dimensions agree wherever both are known. */
    static boolean compatible(Shape a, Shape b) {
        if (a.rank() != b.rank()) {
            return false;
        }
        for (int i = 0; i < a.rank(); i++) {
            long x = a.get(i);
            long y = b.get(i);
            if (x != Shape.UNKNOWN && y != Shape.UNKNOWN && x != y) {
                return false;
            }
        }
        return true;
    }

    /** Same shape, or shapes that differ only by a trailing dimension of 1 ([N, 1] against [N]). */
    static boolean sameUpToTrailingOne(Shape a, Shape b) {
        if (a.rank() == b.rank()) {
            return compatible(a, b);
        }
        Shape longer = a.rank() > b.rank() ? a : b;
        Shape shorter = a.rank() > b.rank() ? b : a;
        if (longer.rank() != shorter.rank() + 1 || longer.get(-1) != 1) {
            return false;
        }
        long[] dims = longer.dims();
        return compatible(Shape.of(java.util.Arrays.copyOf(dims, dims.length - 1)), shorter);
    }

    /** Both tensors flattened to one dimension, after checking that they describe the same examples. */
    static Tensor[] flattenPair(String metric, Tensor preds, Tensor target, String expected) {
        if (!sameUpToTrailingOne(preds.shape(), target.shape())) {
            throw new IllegalArgumentException(metric + ": " + shapes(preds, target) + "; expected " + expected);
        }
        return new Tensor[] {preds.reshape(-1), target.reshape(-1)};
    }

    static void requireFloatingPreds(String metric, Tensor preds, Tensor target) {
        if (!preds.dtype().isFloating()) {
            throw new IllegalArgumentException(metric + ": expected floating-point predictions, got " + shapes(preds, target));
        }
    }

    /**
     * Regression inputs as FLOAT64 (sums of many float32 squares lose digits, and R² subtracts two
     * of them), after checking shapes: the same shape, or [N, 1] against [N].
     */
    static Tensor[] regressionPair(String metric, Tensor preds, Tensor target) {
        requireFloatingPreds(metric, preds, target);
        if (target.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(metric + ": expected numeric targets, got " + shapes(preds, target));
        }
        if (!sameUpToTrailingOne(preds.shape(), target.shape())) {
            throw new IllegalArgumentException(metric + ": " + shapes(preds, target)
                    + "; expected predictions and targets of the same shape");
        }
        Tensor p = preds.to(DType.FLOAT64);
        Tensor t = target.to(DType.FLOAT64);
        if (preds.rank() != target.rank()) {
            // [N, 1] against [N]: bring both to [N] so nothing broadcasts to [N, N].
            p = p.rank() > t.rank() ? p.squeeze(-1) : p;
            t = t.rank() > p.rank() ? t.squeeze(-1) : t;
        }
        return new Tensor[] {p, t};
    }

    /** Counts the true elements of a bool tensor, as an INT64 scalar. */
    static Tensor count(Tensor bool) {
        return bool.to(DType.INT64).sum();
    }

    /** The number of elements of {@code t}, as an INT64 scalar; works when the batch size is unknown while tracing. */
    static Tensor numel(Tensor t) {
        return t.fullLike(1).to(DType.INT64).sum();
    }

    // ---------------------------------------------------------------- host side

    static HostArray get(Metric metric, Map<String, HostArray> statistics, String key) {
        HostArray a = statistics.get(key);
        if (a == null) {
            throw new IllegalArgumentException(metric.name() + ": batch statistics lack '" + key + "'; got "
                    + statistics.keySet() + " (were they produced by this metric's batchStatistics?)");
        }
        return a;
    }

    static double scalar(Metric metric, Map<String, HostArray> statistics, String key) {
        HostArray a = get(metric, statistics, key);
        if (a.size() != 1) {
            throw new IllegalArgumentException(metric.name() + ": statistic '" + key + "' should be a scalar, got shape " + a.shape());
        }
        return a.toDoubleArray()[0];
    }

    static double[] vector(Metric metric, Map<String, HostArray> statistics, String key, int length) {
        HostArray a = get(metric, statistics, key);
        if (a.size() != length) {
            throw new IllegalArgumentException(metric.name() + ": statistic '" + key + "' should have " + length
                    + " values, got shape " + a.shape());
        }
        return a.toDoubleArray();
    }

    static void add(double[] into, double[] values) {
        for (int i = 0; i < into.length; i++) {
            into[i] += values[i];
        }
    }

    /** 0 when the denominator is 0, as torchmetrics' {@code zero_division=0}. */
    static double safeDivide(double num, double den) {
        return den == 0 ? 0 : num / den;
    }
}
