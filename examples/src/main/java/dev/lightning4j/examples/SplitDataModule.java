package dev.lightning4j.examples;

import dev.lightning4j.core.Stage;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.LightningDataModule;
import dev.lightning4j.data.TensorDataset;

/**
 * A data module over a fixed train / validation / test split built once in memory: the shape every
 * example shares. Subclasses say how to build the split; the loaders (shuffled training batches,
 * ordered evaluation batches, prediction on the test split) are the same for all.
 */
public abstract class SplitDataModule extends LightningDataModule {
    /**
     * The three data sets of a split.
     *
     * @param train      the training examples
     * @param validation the validation examples
     * @param test       the test examples
     */
    public record Split(TensorDataset train, TensorDataset validation, TensorDataset test) {
    }

    private final int batchSize;
    private final int evalBatchSize;
    private Split split;

    /** Training batches of {@code batchSize}, evaluation batches of {@code evalBatchSize}. */
    protected SplitDataModule(int batchSize, int evalBatchSize) {
        this.batchSize = batchSize;
        this.evalBatchSize = evalBatchSize;
    }

    /** Builds the split; called once, by the first {@link #setup}. */
    protected abstract Split buildSplit();

    @Override
    public final void setup(Stage stage) {
        if (split == null) {
            split = buildSplit();
        }
    }

    /** The split built by {@link #setup}. */
    protected Split split() {
        if (split == null) {
            throw new IllegalStateException(getClass().getSimpleName() + ": call setup(stage) before asking for loaders");
        }
        return split;
    }

    @Override
    public DataLoader trainDataLoader() {
        return DataLoader.builder(split().train()).batchSize(batchSize).shuffle(true).build();
    }

    @Override
    public DataLoader valDataLoader() {
        return DataLoader.builder(split().validation()).batchSize(evalBatchSize).build();
    }

    @Override
    public DataLoader testDataLoader() {
        return DataLoader.builder(split().test()).batchSize(evalBatchSize).build();
    }

    @Override
    public DataLoader predictDataLoader() {
        return testDataLoader();
    }

    /** Example counts of the train, validation and test splits. */
    public int[] splitSizes() {
        Split s = split();
        return new int[] {s.train().size(), s.validation().size(), s.test().size()};
    }
}
