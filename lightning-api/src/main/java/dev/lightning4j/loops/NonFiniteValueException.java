package dev.lightning4j.loops;

/**
 * Training produced NaN or infinity, as Lightning's anomaly detection and EarlyStopping's
 * {@code check_finite} report. The message names the step and the value; checkpoints written
 * before that step are left intact.
 */
public final class NonFiniteValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error with the given message. */
    public NonFiniteValueException(String message) {
        super(message);
    }
}
