package dev.lightning4j.benchmarks;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * The hand-written DJL baseline: NDArray ops (DJL's own fused {@code linear}, {@code conv2d},
 * {@code maxPool2d}), a {@link GradientCollector}, and DJL's fused in-place Adam update
 * ({@code JniUtils.adamUpdate}, what {@code ai.djl.training.optimizer.Adam} calls) followed by
 * {@code zeroGrad}, as DJL's optimizer does.
 *
 * <p>DJL's Adam computes {@code w -= lr*sqrt(bc2)/bc1 * m / (sqrt(v) + eps)}; torch's (and ours) is
 * {@code w -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps)}, which is the same with {@code eps*sqrt(bc2)}
 * in place of {@code eps}, so that is what is passed: both loops compute the same numbers.
 */
final class RawDjlLoop implements StepLoop {
    private static final float B1 = 0.9f;
    private static final float B2 = 0.999f;
    private static final double EPS = 1e-8;

    @Override
    public Stepper open(Workload w) {
        return new DjlStepper(w);
    }

    private static final class DjlStepper implements Stepper {
        private final Workload w;
        private final Engine engine = Engine.getEngine("PyTorch");
        private final NDManager root = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        private final NDArray[] params;
        private final NDArray[] m;
        private final NDArray[] v;
        private final Shape xShape;
        private final Shape yShape = new Shape(Workload.BATCH);
        private int step;

        DjlStepper(Workload w) {
            this.w = w;
            int np = w.initial.size();
            params = new NDArray[np];
            m = new NDArray[np];
            v = new NDArray[np];
            for (int i = 0; i < np; i++) {
                params[i] = root.create(w.initialFloats(i), new Shape(w.initialShape(i)));
                params[i].setRequiresGradient(true);
                m[i] = root.zeros(params[i].getShape());
                v[i] = root.zeros(params[i].getShape());
            }
            xShape = new Shape(batchShape(w));
        }

        @Override
        public Block steps(int n) {
            return Block.timed(n, this::trainOneStep);
        }

        /** One training step on the next batch; returns its loss. */
        private double trainOneStep() {
            int b = step % w.batches;
            try (NDManager sub = root.newSubManager()) {
                NDArray x = sub.create(FloatBuffer.wrap(w.xs[b]), xShape);
                NDArray y = sub.create(LongBuffer.wrap(w.ys[b]), yShape);
                NDArray lossArray;
                try (GradientCollector gc = engine.newGradientCollector()) {
                    NDArray logits = w.conv ? cnn(x, params) : mlp(x, params);
                    lossArray = logits.logSoftmax(1).gather(y.reshape(-1, 1), 1).neg().mean();
                    gc.backward(lossArray);
                }
                int t = step + 1;
                double bc1 = 1 - Math.pow(B1, t);
                double bc2 = 1 - Math.pow(B2, t);
                float lrCorrected = (float) (Models.LR * Math.sqrt(bc2) / bc1);
                float eps = (float) (EPS * Math.sqrt(bc2));
                for (int i = 0; i < params.length; i++) {
                    PtNDArray p = (PtNDArray) params[i];
                    PtNDArray g = p.getGradient();
                    JniUtils.adamUpdate(p, g, (PtNDArray) m[i], (PtNDArray) v[i], (float) Models.LR, lrCorrected,
                            0f, 1f, -1f, B1, B2, eps, false);
                    JniUtils.zeroGrad(p);
                    g.close();
                }
                return lossArray.getFloat();
            } finally {
                step++;
            }
        }

        @Override
        public void close() {
            root.close();
        }
    }

    static long[] batchShape(Workload w) {
        long[] s = new long[w.sampleShape.length + 1];
        s[0] = Workload.BATCH;
        System.arraycopy(w.sampleShape, 0, s, 1, w.sampleShape.length);
        return s;
    }

    private static NDArray mlp(NDArray x, NDArray[] p) {
        NDArray h = Activation.relu(Linear.linear(x, p[0], p[1]).singletonOrThrow());
        h = Activation.relu(Linear.linear(h, p[2], p[3]).singletonOrThrow());
        return Linear.linear(h, p[4], p[5]).singletonOrThrow();
    }

    private static final Shape ONE = new Shape(1, 1);
    private static final Shape PAD1 = new Shape(1, 1);
    private static final Shape TWO = new Shape(2, 2);
    private static final Shape ZERO = new Shape(0, 0);

    private static NDArray cnn(NDArray x, NDArray[] p) {
        NDList c1 = Conv2d.conv2d(x, p[0], p[1], ONE, PAD1, ONE, 1);
        NDArray h = Pool.maxPool2d(Activation.relu(c1.singletonOrThrow()), TWO, TWO, ZERO, false);
        NDList c2 = Conv2d.conv2d(h, p[2], p[3], ONE, PAD1, ONE, 1);
        h = Pool.maxPool2d(Activation.relu(c2.singletonOrThrow()), TWO, TWO, ZERO, false);
        h = h.reshape(Workload.BATCH, -1);
        return Linear.linear(h, p[4], p[5]).singletonOrThrow();
    }

    /** The engine's large-matmul rate: median GFLOP/s of an n x n by n x n fp32 product. */
    static double matmulGflops(int n, int reps) {
        try (NDManager root = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray a = root.randomUniform(-1, 1, new Shape(n, n));
            NDArray b = root.randomUniform(-1, 1, new Shape(n, n));
            double[] s = new double[reps];
            for (int r = -3; r < reps; r++) {
                long t = System.nanoTime();
                try (NDArray c = a.matMul(b)) {
                    c.getShape();
                }
                if (r >= 0) {
                    s[r] = (System.nanoTime() - t) / 1e9;
                }
            }
            return 2.0 * n * n * n / Stats.median(s) / 1e9;
        }
    }
}
