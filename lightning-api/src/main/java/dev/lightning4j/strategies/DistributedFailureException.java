package dev.lightning4j.strategies;

import java.util.OptionalInt;

/**
 * A distributed job failed because a peer was lost (its process died) or stopped responding (a
 * collective timed out). The message names the rank when it is known; the job can be resumed from
 * its last checkpoint.
 */
public final class DistributedFailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient OptionalInt lostRank;

    /** A failure caused by {@code lostRank} (or an unknown rank when empty). */
    public DistributedFailureException(String message, OptionalInt lostRank, Throwable cause) {
        super(message, cause);
        this.lostRank = lostRank;
    }

    /** The rank that was lost, when known. */
    public OptionalInt lostRank() {
        return lostRank;
    }
}
