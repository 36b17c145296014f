package dev.lightning4j.examples.digits;

import dev.lightning4j.data.TensorDataset;
import dev.lightning4j.examples.SplitDataModule;
import dev.lightning4j.examples.Splits;
import dev.lightning4j.tensor.HostArray;

/**
 * A seeded, stratified 70/15/15 split of {@link DigitsData} as images {@code [N, 1, 8, 8]} with
 * integer labels {@code [N]}. Pixels are scaled by the fixed range of the data (0-16) to [0, 1];
 * the scale depends on no sample, so nothing leaks from validation or test into training.
 */
public final class DigitsDataModule extends SplitDataModule {
    private final DigitsData data;
    private final long seed;

    /**
     * @param data      the images
     * @param batchSize training batch size
     * @param seed      the split's seed
     */
    public DigitsDataModule(DigitsData data, int batchSize, long seed) {
        super(batchSize, 128);
        this.data = data;
        this.seed = seed;
    }

    @Override
    protected Split buildSplit() {
        int[][] split = Splits.stratified(data.labels(), DigitsData.CLASSES, 0.70, 0.15, seed);
        return new Split(dataset(split[0]), dataset(split[1]), dataset(split[2]));
    }

    private TensorDataset dataset(int[] rows) {
        int p = DigitsData.PIXELS;
        float[] x = new float[rows.length * p];
        long[] y = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            float[] img = data.pixels()[rows[i]];
            for (int j = 0; j < p; j++) {
                x[i * p + j] = img[j] / 16f;
            }
            y[i] = data.labels()[rows[i]];
        }
        return TensorDataset.of(HostArray.of(x, rows.length, 1, DigitsData.SIDE, DigitsData.SIDE), HostArray.of(y, rows.length));
    }

}
