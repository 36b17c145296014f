package dev.lightning4j.nn.functional;

/** How a loss combines its per-element values, as PyTorch's {@code reduction} argument. */
public enum Reduction {
    /** The mean (the default); cross-entropy and NLL divide by the total weight of the targets that count. */
    MEAN,
    /** The sum. */
    SUM,
    /** No reduction: one loss per element (per sample for classification losses). */
    NONE
}
