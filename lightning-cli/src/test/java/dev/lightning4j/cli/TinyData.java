package dev.lightning4j.cli;

import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.LightningDataModule;
import dev.lightning4j.data.TensorDataset;
import dev.lightning4j.tensor.HostArray;
import java.util.Random;

/** A synthetic regression task y = sum(sin(x)) made from a seed, so every engine sees the same data. */
public final class TinyData extends LightningDataModule {
    private final TensorDataset train;
    private final TensorDataset val;
    private final int batchSize;

    /** {@code samples} training rows (and a quarter as many validation rows) of {@code inputs} features. */
    public TinyData(int samples, int inputs, int batchSize) {
        this.batchSize = batchSize;
        this.train = make(samples, inputs, 1);
        this.val = make(Math.max(1, samples / 4), inputs, 2);
    }

    private static TensorDataset make(int n, int d, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * d];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                float v = (float) r.nextGaussian();
                x[i * d + j] = v;
                s += Math.sin(v);
            }
            y[i] = (float) s;
        }
        return TensorDataset.of(HostArray.of(x, n, d), HostArray.of(y, n, 1));
    }

    /** The number of input features (for links: {@code ${data.inputs}}). */
    public int inputs() {
        return (int) train.fields().get(dev.lightning4j.data.Batch.INPUT).shape().get(1);
    }

    @Override
    public DataLoader trainDataLoader() {
        return DataLoader.builder(train).batchSize(batchSize).shuffle(true).build();
    }

    @Override
    public DataLoader valDataLoader() {
        return DataLoader.builder(val).batchSize(batchSize).build();
    }

    @Override
    public DataLoader testDataLoader() {
        return valDataLoader();
    }

    @Override
    public DataLoader predictDataLoader() {
        return valDataLoader();
    }
}
