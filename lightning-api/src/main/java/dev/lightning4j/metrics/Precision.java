package dev.lightning4j.metrics;

/**
 * Precision, {@code tp / (tp + fp)}: of the examples predicted positive, the share that are.
 *
 * <p>Binary ({@link #binary()}) or multiclass with {@link Average#MICRO} or {@link Average#MACRO}
 * averaging ({@link #multiclass(int, Average)}); inputs as described in {@link StatScores}. A zero
 * denominator gives 0, as torchmetrics' {@code zero_division=0}.
 */
public final class Precision extends StatScores {
    private Precision(ClassificationTask task, Average average) {
        super(task, average);
    }

    /** Binary, on probabilities with threshold 0.5. */
    public static Precision binary() {
        return binary(ScoreType.PROBABILITIES, 0.5);
    }

    /**
     * Binary.
     *
     * @param scoreType whether floating predictions are probabilities or logits
     * @param threshold the probability above which a prediction is positive
     */
    public static Precision binary(ScoreType scoreType, double threshold) {
        return new Precision(binaryTask("Precision", scoreType, threshold), Average.MICRO);
    }

    /** Multiclass over {@code numClasses} classes, averaged as {@code average}. */
    public static Precision multiclass(int numClasses, Average average) {
        return new Precision(multiclassTask("Precision", numClasses), average);
    }

    @Override
    protected double score(double tp, double fp, double fn) {
        return MetricInputs.safeDivide(tp, tp + fp);
    }
}
