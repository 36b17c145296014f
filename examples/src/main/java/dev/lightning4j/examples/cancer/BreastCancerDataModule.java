package dev.lightning4j.examples.cancer;

import dev.lightning4j.data.TensorDataset;
import dev.lightning4j.examples.SplitDataModule;
import dev.lightning4j.examples.Splits;
import dev.lightning4j.tensor.HostArray;

/**
 * A seeded, stratified 70/15/15 split of {@link BreastCancerData}, standardised with the training
 * split's mean and standard deviation only (so nothing about the validation and test samples leaks
 * into training). The target is 1 for <em>malignant</em> (the file's label 0): the class a screening
 * model is meant to detect, so precision, recall and F1 are about finding cancers.
 */
public final class BreastCancerDataModule extends SplitDataModule {
    private final BreastCancerData data;
    private final long seed;

    /**
     * @param data      the samples
     * @param batchSize training batch size
     * @param seed      the split's seed
     */
    public BreastCancerDataModule(BreastCancerData data, int batchSize, long seed) {
        super(batchSize, 64);
        this.data = data;
        this.seed = seed;
    }

    @Override
    protected Split buildSplit() {
        int[] malignant = new int[data.size()];
        for (int i = 0; i < malignant.length; i++) {
            malignant[i] = data.labels()[i] == 0 ? 1 : 0;
        }
        int[][] split = Splits.stratified(malignant, 2, 0.70, 0.15, seed);
        double[][] stats = Splits.columnStats(data.features(), split[0]);
        return new Split(dataset(split[0], malignant, stats), dataset(split[1], malignant, stats),
                dataset(split[2], malignant, stats));
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

    /** The number of malignant samples in each split. */
    public int[] malignantCounts() {
        return new int[] {positives(split().train()), positives(split().validation()), positives(split().test())};
    }

    private static int positives(TensorDataset d) {
        int n = 0;
        for (float v : d.fields().get("target").toFloatArray()) {
            n += v == 1 ? 1 : 0;
        }
        return n;
    }
}
