package dev.lightning4j.benchmarks;

import dev.lightning4j.core.Lightning;
import dev.lightning4j.tensor.HostArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A benchmarked workload: its model, its synthetic data set and its FLOP count.
 *
 * <p>Data: {@code batches} batches of 64 samples with inputs uniform in [0, 1) and labels
 * {@code argmax(x . P)} for a fixed random projection P [784, 10], so that the task is learnable
 * and the loss falls. Every loop (hand-written or Trainer) sees the batches in the same order
 * (no shuffling) and starts from the same initial weights (drawn once by the Lightning model with
 * {@code seedEverything(42)}), so they compute the same numbers.
 */
final class Workload {
    static final int BATCH = 64;
    static final int FEATURES = 784;
    static final int CLASSES = 10;

    final String name;
    final boolean conv;
    final Supplier<Models.Classifier> model;
    final long[] sampleShape; // without the batch dimension
    final int batches;
    final float[][] xs; // per batch, [64 * 784]
    final long[][] ys;  // per batch, [64]
    final HostArray allX;
    final HostArray allY;
    final List<HostArray> initial; // parameters in module order, PyTorch layouts
    final List<String> initialNames;
    final double forwardFlops;
    final String flopFormula;

    private Workload(String name, boolean conv, Supplier<Models.Classifier> model, long[] sampleShape, int batches,
                     double forwardFlops, String flopFormula) {
        this.name = name;
        this.conv = conv;
        this.model = () -> {
            Lightning.seedEverything(42);
            return model.get();
        };
        this.sampleShape = sampleShape;
        this.batches = batches;
        this.forwardFlops = forwardFlops;
        this.flopFormula = flopFormula;
        Random rnd = new Random(7);
        float[] proj = new float[FEATURES * CLASSES];
        for (int i = 0; i < proj.length; i++) {
            proj[i] = (float) rnd.nextGaussian();
        }
        int n = batches * BATCH;
        float[] x = new float[n * FEATURES];
        long[] y = new long[n];
        for (int s = 0; s < n; s++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int f = 0; f < FEATURES; f++) {
                x[s * FEATURES + f] = rnd.nextFloat();
            }
            for (int c = 0; c < CLASSES; c++) {
                double z = 0;
                for (int f = 0; f < FEATURES; f++) {
                    z += x[s * FEATURES + f] * proj[f * CLASSES + c];
                }
                if (z > best) {
                    best = z;
                    y[s] = c;
                }
            }
        }
        xs = new float[batches][];
        ys = new long[batches][];
        for (int b = 0; b < batches; b++) {
            xs[b] = java.util.Arrays.copyOfRange(x, b * BATCH * FEATURES, (b + 1) * BATCH * FEATURES);
            ys[b] = java.util.Arrays.copyOfRange(y, b * BATCH, (b + 1) * BATCH);
        }
        long[] xShape = new long[sampleShape.length + 1];
        xShape[0] = n;
        System.arraycopy(sampleShape, 0, xShape, 1, sampleShape.length);
        allX = HostArray.of(x, xShape);
        allY = HostArray.of(y, n);
        Models.Classifier m = this.model.get();
        initial = new ArrayList<>();
        initialNames = new ArrayList<>();
        m.stateDict().forEach((k, v) -> {
            initialNames.add(k);
            initial.add(v);
        });
    }

    /** MLP 784-512-512-10. */
    static Workload mlp(int batches) {
        double f = 2.0 * BATCH * (784 * 512 + 512 * 512 + 512 * 10);
        return new Workload("mlp", false, Models::mlp, new long[] {FEATURES}, batches, f,
                "2*64*(784*512 + 512*512 + 512*10)");
    }

    /** The CNN of {@link Models#cnn()}. */
    static Workload cnn(int batches) {
        double conv1 = 2.0 * BATCH * 16 * 28 * 28 * (1 * 3 * 3);
        double conv2 = 2.0 * BATCH * 32 * 14 * 14 * (16 * 3 * 3);
        double fc = 2.0 * BATCH * 1568 * 10;
        return new Workload("cnn", true, Models::cnn, new long[] {1, 28, 28}, batches, conv1 + conv2 + fc,
                "2*64*(16*28*28*9 + 32*14*14*144 + 1568*10)");
    }

    /** Training FLOPs per step: forward + backward ~ 3x the forward matmul/conv FLOPs. */
    double stepFlops() {
        return 3 * forwardFlops;
    }

    float[] initialFloats(int i) {
        return ((HostArray.F32) initial.get(i)).data();
    }

    long[] initialShape(int i) {
        return initial.get(i).shape().dims();
    }
}
