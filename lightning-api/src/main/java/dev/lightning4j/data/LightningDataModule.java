package dev.lightning4j.data;

import dev.lightning4j.core.Stage;

/**
 * Everything about the data of a task in one place, as Lightning's {@code LightningDataModule}:
 * how to prepare it, how to split it, and the loaders of each stage. A loader that a stage needs
 * but the module does not provide is reported by the Trainer with the method to override.
 */
public abstract class LightningDataModule {

    /** Called once before {@link #setup}; for work such as decompressing files. */
    public void prepareData() {
    }

    /** Builds the data sets needed by {@code stage}. */
    public void setup(Stage stage) {
    }

    /** The training batches, or null when this module has none. */
    public DataLoader trainDataLoader() {
        return null;
    }

    /** The validation batches, or null when this module has none. */
    public DataLoader valDataLoader() {
        return null;
    }

    /** The test batches, or null when this module has none. */
    public DataLoader testDataLoader() {
        return null;
    }

    /** The prediction batches, or null when this module has none. */
    public DataLoader predictDataLoader() {
        return null;
    }

    /** A data module over ready-made loaders (any may be null). */
    public static LightningDataModule of(DataLoader train, DataLoader val, DataLoader test, DataLoader predict) {
        return new LightningDataModule() {
            @Override public DataLoader trainDataLoader() { return train; }

            @Override public DataLoader valDataLoader() { return val; }

            @Override public DataLoader testDataLoader() { return test; }

            @Override public DataLoader predictDataLoader() { return predict; }
        };
    }
}
