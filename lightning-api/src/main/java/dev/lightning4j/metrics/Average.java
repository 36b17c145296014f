package dev.lightning4j.metrics;

/**
 * How a multiclass classification metric combines its per-class counts, as torchmetrics'
 * {@code average} argument.
 */
public enum Average {
    /**
     * Sum the true/false positives and false negatives of all classes, then compute one score.
     * For single-label multiclass data micro precision, recall and F1 all equal accuracy.
     */
    MICRO,
    /**
     * Compute the score of every class, then take their unweighted mean. As torchmetrics, classes
     * that never occur in the targets nor in the predictions (no true positive, false positive or
     * false negative) are left out of the mean instead of counting as 0.
     */
    MACRO
}
