package dev.lightning4j.metrics;

/**
 * Recall (sensitivity), {@code tp / (tp + fn)}: of the positive examples, the share predicted positive.
 *
 * <p>Binary ({@link #binary()}) or multiclass with {@link Average#MICRO} or {@link Average#MACRO}
 * averaging ({@link #multiclass(int, Average)}); inputs as described in {@link StatScores}. A zero
 * denominator gives 0, as torchmetrics' {@code zero_division=0}.
 */
public final class Recall extends StatScores {
    private Recall(ClassificationTask task, Average average) {
        super(task, average);
    }

    /** Binary, on probabilities with threshold 0.5. */
    public static Recall binary() {
        return binary(ScoreType.PROBABILITIES, 0.5);
    }

    /**
     * Binary.
     *
     * @param scoreType whether floating predictions are probabilities or logits
     * @param threshold the probability above which a prediction is positive
     */
    public static Recall binary(ScoreType scoreType, double threshold) {
        return new Recall(binaryTask("Recall", scoreType, threshold), Average.MICRO);
    }

    /** Multiclass over {@code numClasses} classes, averaged as {@code average}. */
    public static Recall multiclass(int numClasses, Average average) {
        return new Recall(multiclassTask("Recall", numClasses), average);
    }

    @Override
    protected double score(double tp, double fp, double fn) {
        return MetricInputs.safeDivide(tp, tp + fn);
    }
}
