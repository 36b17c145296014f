package dev.lightning4j.data;

import dev.lightning4j.random.Generator;
import java.util.Iterator;
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

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.seed = b.seed;
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

    /** The number of batches per epoch. */
    public int numBatches() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * The example order of {@code epoch}: the identity without shuffling, else a permutation drawn
     * from this loader's seed (or {@code defaultSeed} when none was set) and the epoch.
     */
    public int[] order(int epoch, long defaultSeed) {
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

    /** The batches of {@code epoch}, starting at batch {@code fromBatch}. */
    public Iterator<HostBatch> iterator(int epoch, long defaultSeed, int fromBatch) {
        int[] order = order(epoch, defaultSeed);
        int batches = numBatches();
        return new Iterator<>() {
            private int next = fromBatch;

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
    }

    /** Options of a {@link DataLoader}. */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 1;
        private boolean shuffle;
        private boolean dropLast;
        private Long seed;

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

        /** The loader. */
        public DataLoader build() {
            if (dataset.size() == 0) {
                throw new IllegalArgumentException("DataLoader: the data set is empty");
            }
            return new DataLoader(this);
        }
    }
}
