package dev.lightning4j.examples.cancer;

import dev.lightning4j.core.Stage;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.LightningDataModule;
import dev.lightning4j.data.TensorDataset;
import dev.lightning4j.examples.Splits;
import dev.lightning4j.tensor.HostArray;

/**
 * A seeded, stratified 70/15/15 split of {@link BreastCancerData}, standardised with the training
 * split's mean and standard deviation only (so nothing about the validation and test samples leaks
 * into training). The target is 1 for <em>malignant</em> (the file's label 0): the class a screening
 * model is meant to detect, so precision, recall and F1 are about finding cancers.
 */
public final class BreastCancerDataModule extends LightningDataModule {
    private final BreastCancerData data;
    private final int batchSize;
    private final long seed;
    private TensorDataset train;
    private TensorDataset val;
    private TensorDataset test;

    /**
     * @param data      the samples
     * @param batchSize training batch size
     * @param seed      the split's seed
     */
    public BreastCancerDataModule(BreastCancerData data, int batchSize, long seed) {
        this.data = data;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    @Override
    public void setup(Stage stage) {
        if (train != null) {
            return;
        }
        int[] malignant = new int[data.size()];
        for (int i = 0; i < malignant.length; i++) {
            malignant[i] = data.labels()[i] == 0 ? 1 : 0;
        }
        int[][] split = Splits.stratified(malignant, 2, 0.70, 0.15, seed);
        double[][] stats = Splits.columnStats(data.features(), split[0]);
        train = dataset(split[0], malignant, stats);
        val = dataset(split[1], malignant, stats);
        test = dataset(split[2], malignant, stats);
    }

    private TensorDataset dataset(int[] rows, int[] target, double[][] stats) {
        int d = BreastCancerData.FEATURES;
        float[] x = new float[rows.length * d];
        float[] y = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            float[] f = data.features()[rows[i]];
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) ((f[j] - stats[0][j]) / stats[1][j]);
            }
            y[i] = target[rows[i]];
        }
        return TensorDataset.of(HostArray.of(x, rows.length, d), HostArray.of(y, rows.length, 1));
    }

    @Override
    public DataLoader trainDataLoader() {
        return DataLoader.builder(train).batchSize(batchSize).shuffle(true).build();
    }

    @Override
    public DataLoader valDataLoader() {
        return DataLoader.builder(val).batchSize(64).build();
    }

    @Override
    public DataLoader testDataLoader() {
        return DataLoader.builder(test).batchSize(64).build();
    }

    /** Sample counts of the train, validation and test splits. */
    public int[] splitSizes() {
        return new int[] {train.size(), val.size(), test.size()};
    }

    /** The number of malignant samples in each split. */
    public int[] malignantCounts() {
        return new int[] {positives(train), positives(val), positives(test)};
    }

    private static int positives(TensorDataset d) {
        int n = 0;
        for (float v : d.fields().get("target").toFloatArray()) {
            n += v == 1 ? 1 : 0;
        }
        return n;
    }
}
