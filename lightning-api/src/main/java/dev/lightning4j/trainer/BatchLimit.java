package dev.lightning4j.trainer;

/**
 * How many batches of a stage to run: a fraction of the loader or a fixed count, as Lightning's
 * {@code limit_*_batches} (a float is a fraction, an int a count).
 *
 * @param fraction the fraction of batches, used when {@code count} is negative
 * @param count    a number of batches, or -1
 */
public record BatchLimit(double fraction, int count) {
    /** All batches. */
    public static final BatchLimit ALL = new BatchLimit(1.0, -1);

    /** Validates the values. */
    public BatchLimit {
        if (count < -1) {
            throw new IllegalArgumentException("batch limit count must be >= 0, got " + count);
        }
        if (count == -1 && (fraction < 0 || fraction > 1 || Double.isNaN(fraction))) {
            throw new IllegalArgumentException("batch limit fraction must be in [0, 1], got " + fraction);
        }
    }

    /** A fraction of the batches. */
    public static BatchLimit fraction(double f) {
        return new BatchLimit(f, -1);
    }

    /** A fixed number of batches. */
    public static BatchLimit count(int n) {
        return new BatchLimit(1.0, n);
    }

    /** How many of {@code available} batches to run. */
    public int apply(int available) {
        return count >= 0 ? Math.min(count, available) : (int) Math.floor(available * fraction);
    }
}
