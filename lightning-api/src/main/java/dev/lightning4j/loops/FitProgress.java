package dev.lightning4j.loops;

/**
 * Where a fit stands, for checkpoints and exact resume.
 *
 * @param epoch         the epoch in progress (0-based)
 * @param nextBatch     the index of the next training batch of that epoch
 * @param epochFinished true when the epoch (and its validation) is complete
 * @param globalStep    optimizer steps taken
 */
public record FitProgress(int epoch, int nextBatch, boolean epochFinished, long globalStep) {
    /** The position of a new fit. */
    public static final FitProgress START = new FitProgress(0, 0, false, 0);

    /** The epoch and batch a resumed fit continues from. */
    public FitProgress resumePoint() {
        return epochFinished ? new FitProgress(epoch + 1, 0, false, globalStep) : this;
    }
}
