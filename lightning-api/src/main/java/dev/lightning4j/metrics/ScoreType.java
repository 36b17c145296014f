package dev.lightning4j.metrics;

/**
 * What a binary classifier's floating-point predictions are. The metric needs to be told because
 * it cannot look at the values: inside a traced step they are not on the host, so torchmetrics'
 * trick of applying a sigmoid when a value falls outside [0, 1] is not available (and would make
 * the threshold depend on the batch).
 */
public enum ScoreType {
    /** Probabilities in [0, 1], e.g. after a sigmoid; a prediction is positive when {@code p > threshold}. */
    PROBABILITIES,
    /**
     * Raw logits; a prediction is positive when {@code sigmoid(x) > threshold}, evaluated as
     * {@code x > log(threshold / (1 - threshold))} so no sigmoid is computed.
     */
    LOGITS
}
