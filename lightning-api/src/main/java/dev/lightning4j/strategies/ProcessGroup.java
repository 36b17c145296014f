package dev.lightning4j.strategies;

import java.util.Arrays;

/**
 * The processes of one distributed job and the host-side collectives between them, as
 * {@code torch.distributed}'s process group. A backend provides it through
 * {@link DistributedSupport}; every collective must be called by every rank, in the same order,
 * because the collective runtime matches calls by their position in that order.
 *
 * <p>Every call is bounded by the job's {@link DistributedOptions#timeout()}: a lost or frozen peer
 * makes it fail, and {@link #describeFailure} turns such a failure into one that names the lost rank.
 */
public interface ProcessGroup extends AutoCloseable {

    /** This process's rank, 0 to {@code worldSize() - 1}. */
    int rank();

    /** The number of processes. */
    int worldSize();

    /** Replaces {@code buffer} by its element-wise mean over all ranks (used for gradients). */
    void allReduceMean(float[] buffer);

    /** Replaces {@code buffer} by its element-wise sum over all ranks (used for metrics and barriers). */
    void allReduceSum(double[] buffer);

    /**
     * Replaces {@code buffer} on every rank by rank 0's values. The default sums rank 0's values
     * with zeros from every other rank, which is exact (x + 0 == x) and needs no second op type.
     */
    default void broadcastFromZero(double[] buffer) {
        if (rank() != 0) {
            Arrays.fill(buffer, 0.0);
        }
        allReduceSum(buffer);
    }

    /** Returns once every rank has called it (or fails after the timeout). */
    default void barrier() {
        allReduceSum(new double[] {1.0});
    }

    /**
     * A failure of this job's collectives, explained: when {@code failure} comes from a lost or
     * unresponsive peer, a {@link DistributedFailureException} naming it; otherwise {@code failure}.
     */
    RuntimeException describeFailure(RuntimeException failure);

    /** Releases what can be released; the collective server itself lives until the process exits. */
    @Override
    void close();
}
