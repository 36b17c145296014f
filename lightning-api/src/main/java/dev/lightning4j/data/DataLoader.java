package dev.lightning4j.data;

import dev.lightning4j.random.Generator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Batches of a {@link Dataset}, as PyTorch's {@code DataLoader}: a batch size, optional seeded
 * shuffling and dropping of the last incomplete batch. The order of an epoch depends only on the
 * seed and the epoch number, so a run resumed mid-epoch sees the same batches.
 */
public final class DataLoader {
    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final Long seed;
    private final int prefetch;
    /** This loader's shard under data parallelism: rank {@code shardRank} of {@code shardCount} (1: the whole set). */
    private final int shardRank;
    private final int shardCount;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.seed = b.seed;
        this.prefetch = b.prefetch;
        this.shardRank = 0;
        this.shardCount = 1;
    }

    private DataLoader(DataLoader base, int rank, int count) {
        this.dataset = base.dataset;
        this.batchSize = base.batchSize;
        this.shuffle = base.shuffle;
        this.dropLast = base.dropLast;
        this.seed = base.seed;
        this.prefetch = base.prefetch;
        this.shardRank = rank;
        this.shardCount = count;
    }

    /** Starts a loader over {@code dataset}. */
    public static Builder builder(Dataset dataset) {
        return new Builder(dataset);
    }

    /** The data set. */
    public Dataset dataset() {
        return dataset;
    }

    /** The batch size. */
    public int batchSize() {
        return batchSize;
    }

    /** True when each epoch visits the examples in a new random order. */
    public boolean shuffle() {
        return shuffle;
    }

    /**
     * This loader restricted to rank {@code rank} of {@code count}, as PyTorch's
     * {@code DistributedSampler}: each epoch's order (the same permutation on every rank, from the
     * same seed) is padded by repeating its first examples to a multiple of {@code count}, and rank r
     * takes positions r, r + count, r + 2 count, ... So every rank has the same number of examples
     * and batches, and the shards of one epoch are disjoint apart from the padding.
     */
    public DataLoader shard(int rank, int count) {
        if (count < 1 || rank < 0 || rank >= count) {
            throw new IllegalArgumentException("DataLoader.shard: rank " + rank + " is not within " + count + " shards");
        }
        if (shardCount != 1) {
            throw new IllegalStateException("DataLoader.shard: this loader is already shard " + shardRank + " of " + shardCount);
        }
        return count == 1 ? this : new DataLoader(this, rank, count);
    }

    /** The number of shards this loader's data set is split into (1 unless {@link #shard} made it). */
    public int shardCount() {
        return shardCount;
    }

    /** Examples per epoch seen by this loader: its shard's size. */
    private int examples() {
        return (dataset.size() + shardCount - 1) / shardCount;
    }

    /** The number of batches per epoch. */
    public int numBatches() {
        int n = examples();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * The example order of {@code epoch}: the identity without shuffling, else a permutation drawn
     * from this loader's seed (or {@code defaultSeed} when none was set) and the epoch; for a
     * {@link #shard}, this rank's part of that order.
     */
    public int[] order(int epoch, long defaultSeed) {
        int[] full = fullOrder(epoch, defaultSeed);
        if (shardCount == 1) {
            return full;
        }
        int per = examples();
        int[] mine = new int[per];
        for (int i = 0; i < per; i++) {
            // Position in the padded order; positions past the end wrap to its start, as DistributedSampler pads.
            mine[i] = full[(shardRank + i * shardCount) % full.length];
        }
        return mine;
    }

    private int[] fullOrder(int epoch, long defaultSeed) {
        int n = dataset.size();
        if (!shuffle) {
            int[] identity = new int[n];
            for (int i = 0; i < n; i++) {
                identity[i] = i;
            }
            return identity;
        }
        long base = seed != null ? seed : defaultSeed;
        return new Generator(base * 1_000_003L + epoch).permutation(n);
    }

    /** How many batches are gathered ahead on a background thread (0: none). */
    public int prefetch() {
        return prefetch;
    }

    /**
     * The batches of {@code epoch}, starting at batch {@code fromBatch}. Close the iterator when done
     * with it (the loops do), also when stopping before its end.
     */
    public BatchIterator iterator(int epoch, long defaultSeed, int fromBatch) {
        int[] order = order(epoch, defaultSeed);
        int batches = numBatches();
        BatchIterator inOrder = new BatchIterator() {
            private int next = fromBatch;

            @Override
            public void close() {
                next = batches;
            }

            @Override
            public boolean hasNext() {
                return next < batches;
            }

            @Override
            public HostBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int start = next * batchSize;
                int end = Math.min(start + batchSize, order.length);
                int[] idx = new int[end - start];
                System.arraycopy(order, start, idx, 0, idx.length);
                next++;
                return dataset.batch(idx);
            }
        };
        return prefetch == 0 ? inOrder : new PrefetchingIterator(inOrder, prefetch);
    }

    /** Options of a {@link DataLoader}. */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 1;
        private boolean shuffle;
        private boolean dropLast;
        private Long seed;
        private int prefetch;

        private Builder(Dataset dataset) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
        }

        /** Examples per batch (default 1). */
        public Builder batchSize(int size) {
            if (size <= 0) {
                throw new IllegalArgumentException("DataLoader batchSize must be positive, got " + size);
            }
            this.batchSize = size;
            return this;
        }

        /** Visit the examples in a new seeded random order each epoch. */
        public Builder shuffle(boolean on) {
            this.shuffle = on;
            return this;
        }

        /** Drop the last batch when it is smaller than the batch size. */
        public Builder dropLast(boolean on) {
            this.dropLast = on;
            return this;
        }

        /** The shuffling seed; by default the Trainer's seed. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Gather up to {@code batches} batches ahead on a background thread while the engine trains on
         * the current one, as PyTorch's {@code DataLoader} workers or tf.data's {@code prefetch} do
         * (default 0: each batch is gathered on the training thread when it is needed). The batches
         * and their order are the same either way. The data set's {@code batch} is then called from
         * that thread, one call at a time; a {@link Dataset} that must only be read from the training
         * thread keeps 0. {@link TensorDataset} is safe to read from any thread.
         */
        public Builder prefetch(int batches) {
            if (batches < 0) {
                throw new IllegalArgumentException("DataLoader prefetch must be 0 (off) or a positive number of batches, got "
                        + batches);
            }
            this.prefetch = batches;
            return this;
        }

        /** The loader. */
        public DataLoader build() {
            if (dataset.size() == 0) {
                throw new IllegalArgumentException("DataLoader: the data set is empty");
            }
            return new DataLoader(this);
        }
    }
}
