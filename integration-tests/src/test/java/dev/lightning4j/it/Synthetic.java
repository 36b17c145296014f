package dev.lightning4j.it;

import dev.lightning4j.data.TensorDataset;
import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.HostArray;

/** Seeded synthetic data sets for the end-to-end tests. */
final class Synthetic {
    private Synthetic() {
    }

    /** {@code y = 2 x0 - 3 x1 + 0.5 x2 + 1 + noise}. */
    static TensorDataset linear(int n, double noise, long seed) {
        Generator g = new Generator(seed);
        float[] x = g.uniform(n * 3, -1, 1);
        float[] eps = g.normal(n, 0, noise);
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = 2 * x[3 * i] - 3 * x[3 * i + 1] + 0.5f * x[3 * i + 2] + 1 + eps[i];
        }
        return TensorDataset.of(HostArray.of(x, n, 3), HostArray.of(y, n, 1));
    }
}
