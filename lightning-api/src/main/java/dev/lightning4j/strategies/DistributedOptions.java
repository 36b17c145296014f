package dev.lightning4j.strategies;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of distributed data parallel.
 *
 * @param timeout            how long any collective may wait for its peers before the job fails (a
 *                           frozen peer otherwise hangs everyone)
 * @param startupTimeout     how long the first collective (the initial weight broadcast) may wait,
 *                           which covers the other ranks' start-up
 * @param bucketCapBytes     gradients are all-reduced in buckets of at most this many bytes, as
 *                           PyTorch's DDP {@code bucket_cap_mb} (default 25 MB)
 * @param communicationHint  TensorFlow's {@code communication_hint}: {@code auto}, {@code ring} or
 *                           {@code nccl} (GPUs)
 */
public record DistributedOptions(Duration timeout, Duration startupTimeout, long bucketCapBytes, String communicationHint) {

    /** The defaults: 120 s per collective, 300 s to start, 25 MB buckets, {@code auto}. */
    public static final DistributedOptions DEFAULTS =
            new DistributedOptions(Duration.ofSeconds(120), Duration.ofSeconds(300), 25L << 20, "auto");

    /** Validates. */
    public DistributedOptions {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        Objects.requireNonNull(communicationHint, "communicationHint");
        if (timeout.isNegative() || timeout.isZero() || startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("distributed timeouts must be positive, got " + timeout + " and " + startupTimeout);
        }
        if (bucketCapBytes < 4) {
            throw new IllegalArgumentException("bucketCapBytes must hold at least one float, got " + bucketCapBytes);
        }
    }

    /** A copy with another collective timeout. */
    public DistributedOptions withTimeout(Duration d) {
        return new DistributedOptions(d, startupTimeout, bucketCapBytes, communicationHint);
    }

    /** A copy with another start-up timeout. */
    public DistributedOptions withStartupTimeout(Duration d) {
        return new DistributedOptions(timeout, d, bucketCapBytes, communicationHint);
    }

    /** A copy with another bucket size. */
    public DistributedOptions withBucketCapBytes(long bytes) {
        return new DistributedOptions(timeout, startupTimeout, bytes, communicationHint);
    }

    /** A copy with another communication hint ({@code nccl} for GPUs). */
    public DistributedOptions withCommunicationHint(String hint) {
        return new DistributedOptions(timeout, startupTimeout, bucketCapBytes, hint);
    }
}
