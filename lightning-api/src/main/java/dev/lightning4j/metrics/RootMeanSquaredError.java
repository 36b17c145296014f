package dev.lightning4j.metrics;

/** Root mean squared error: the square root of the epoch's mean squared error. */
public final class RootMeanSquaredError extends MeanSquaredError {
    /** A root mean squared error. */
    public RootMeanSquaredError() {
        super(false);
    }
}
