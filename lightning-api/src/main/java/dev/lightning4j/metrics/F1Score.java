package dev.lightning4j.metrics;

/**
 * F1 score, the harmonic mean of precision and recall, computed as {@code 2 tp / (2 tp + fp + fn)} (as torchmetrics, so it is 0 rather than undefined when there are no positives).
 *
 * <p>Binary ({@link #binary()}) or multiclass with {@link Average#MICRO} or {@link Average#MACRO}
 * averaging ({@link #multiclass(int, Average)}); inputs as described in {@link StatScores}. A zero
 * denominator gives 0, as torchmetrics' {@code zero_division=0}.
 */
public final class F1Score extends StatScores {
    private F1Score(ClassificationTask task, Average average) {
        super(task, average);
    }

    /** Binary, on probabilities with threshold 0.5. */
    public static F1Score binary() {
        return binary(ScoreType.PROBABILITIES, 0.5);
    }

    /**
     * Binary.
     *
     * @param scoreType whether floating predictions are probabilities or logits
     * @param threshold the probability above which a prediction is positive
     */
    public static F1Score binary(ScoreType scoreType, double threshold) {
        return new F1Score(binaryTask("F1Score", scoreType, threshold), Average.MICRO);
    }

    /** Multiclass over {@code numClasses} classes, averaged as {@code average}. */
    public static F1Score multiclass(int numClasses, Average average) {
        return new F1Score(multiclassTask("F1Score", numClasses), average);
    }

    @Override
    protected double score(double tp, double fp, double fn) {
        return MetricInputs.safeDivide(2 * tp, 2 * tp + fp + fn);
    }
}
