package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.Backends;
import dev.lightning4j.nn.functional.F;
import dev.lightning4j.nn.functional.Reduction;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Loss values on each engine against values computed independently on the host in double with
 * PyTorch's definitions (plain loops over the formulas in the PyTorch documentation). The losses
 * run inside a compiled step, so on TensorFlow they are traced with an unknown batch dimension.
 */
class LossValuesTest {
    private static final double TOL = 2e-6;

    // 4 samples, 3 classes; target -100 is ignored by default.
    private static final float[] LOGITS = {1.0f, 2.0f, 0.5f, -1.0f, 0.0f, 3.0f, 0.3f, 0.3f, 0.3f, 2.0f, -2.0f, 1.0f};
    private static final long[] TARGETS = {1, 2, -100, 0};
    private static final double[] CLASS_WEIGHT = {0.2, 1.0, 3.0};

    private static final float[] PRED = {0.5f, -1.0f, 2.0f, 0.0f, 3.5f, -0.2f};
    private static final float[] TRUE = {0.0f, -0.8f, 4.0f, 0.1f, 1.0f, -0.2f};

    // ---------------------------------------------------------------- host references

    private static double[][] logSoftmaxRows(float[] logits, int n, int c) {
        double[][] out = new double[n][c];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, logits[i * c + j]);
            }
            double s = 0;
            for (int j = 0; j < c; j++) {
                s += Math.exp(logits[i * c + j] - max);
            }
            for (int j = 0; j < c; j++) {
                out[i][j] = logits[i * c + j] - max - Math.log(s);
            }
        }
        return out;
    }

    /** torch.nn.functional.cross_entropy with class weights, label smoothing and ignore_index; NONE gives per-sample values. */
    private static double[] referenceCe(float[] logits, long[] targets, double[] weight, double eps, long ignore, Reduction r) {
        int n = targets.length;
        int c = logits.length / n;
        double[][] logp = logSoftmaxRows(logits, n, c);
        double[] per = new double[n];
        double nllSum = 0;
        double smoothSum = 0;
        double weightSum = 0;
        for (int i = 0; i < n; i++) {
            if (targets[i] == ignore) {
                continue;
            }
            int y = (int) targets[i];
            double wy = weight == null ? 1 : weight[y];
            double nll = -wy * logp[i][y];
            double smooth = 0;
            for (int j = 0; j < c; j++) {
                smooth += -(weight == null ? 1 : weight[j]) * logp[i][j];
            }
            per[i] = (1 - eps) * nll + eps / c * smooth;
            nllSum += nll;
            smoothSum += smooth;
            weightSum += wy;
        }
        return switch (r) {
            case NONE -> per;
            case SUM -> new double[] {(1 - eps) * nllSum + eps / c * smoothSum};
            case MEAN -> new double[] {((1 - eps) * nllSum + eps / c * smoothSum) / weightSum};
        };
    }

    private static double[] pointwise(float[] a, float[] b, java.util.function.DoubleBinaryOperator f, Reduction r) {
        double[] per = new double[a.length];
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            per[i] = f.applyAsDouble(a[i], b[i]);
            sum += per[i];
        }
        return switch (r) {
            case NONE -> per;
            case SUM -> new double[] {sum};
            case MEAN -> new double[] {sum / a.length};
        };
    }

    // ---------------------------------------------------------------- engine evaluation

    private static double[] eval(String backendName, Map<String, HostArray> inputs, BiFunction<Map<String, Tensor>, Tensor, Tensor> loss) {
        try (Backend backend = Backends.create(backendName)) {
            Map<String, HostArray> out = Steps.runOnce(backend, inputs, (ctx, in) -> Map.of("loss", loss.apply(in, in.get("a"))));
            return out.get("loss").toDoubleArray();
        }
    }

    private static Map<String, HostArray> classification(float[] logits, long[] targets, int c) {
        Map<String, HostArray> m = new LinkedHashMap<>();
        m.put("a", HostArray.of(logits, targets.length, c));
        m.put("y", HostArray.of(targets, targets.length));
        return m;
    }

    private static void assertClose(double[] actual, double[] expected, String what) {
        assertThat(actual).as(what).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("%s [%d]", what, i).isCloseTo(expected[i], within(TOL * Math.max(1, Math.abs(expected[i]))));
        }
    }

    // ---------------------------------------------------------------- tests

    @ParameterizedTest(name = "regression losses on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void regressionLosses(String backend) {
        Map<String, HostArray> in = new LinkedHashMap<>();
        in.put("a", HostArray.of(PRED, 2, 3));
        in.put("y", HostArray.of(TRUE, 2, 3));
        for (Reduction r : Reduction.values()) {
            assertClose(eval(backend, in, (m, a) -> F.mseLoss(a, m.get("y"), r)),
                    pointwise(PRED, TRUE, (p, t) -> (p - t) * (p - t), r), "mse " + r);
            assertClose(eval(backend, in, (m, a) -> F.l1Loss(a, m.get("y"), r)),
                    pointwise(PRED, TRUE, (p, t) -> Math.abs(p - t), r), "l1 " + r);
            double beta = 0.5;
            assertClose(eval(backend, in, (m, a) -> F.smoothL1Loss(a, m.get("y"), beta, r)),
                    pointwise(PRED, TRUE, (p, t) -> Math.abs(p - t) < beta ? 0.5 * (p - t) * (p - t) / beta
                            : Math.abs(p - t) - 0.5 * beta, r), "smoothL1 " + r);
            double delta = 1.5;
            assertClose(eval(backend, in, (m, a) -> F.huberLoss(a, m.get("y"), delta, r)),
                    pointwise(PRED, TRUE, (p, t) -> Math.abs(p - t) < delta ? 0.5 * (p - t) * (p - t)
                            : delta * (Math.abs(p - t) - 0.5 * delta), r), "huber " + r);
        }
        // Hand-computed: squared errors 0.25, 0.04, 4, 0.01, 6.25, 0 -> mean 10.55 / 6.
        assertClose(eval(backend, in, (m, a) -> F.mseLoss(a, m.get("y"))), new double[] {10.55 / 6}, "mse by hand");
    }

    @ParameterizedTest(name = "cross-entropy on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void crossEntropy(String backend) {
        Map<String, HostArray> in = classification(LOGITS, TARGETS, 3);
        for (Reduction r : Reduction.values()) {
            assertClose(eval(backend, in, (m, a) -> F.crossEntropy(a, m.get("y"), r)),
                    referenceCe(LOGITS, TARGETS, null, 0, -100, r), "ce " + r);
            assertClose(eval(backend, in, (m, a) -> F.crossEntropy(a, m.get("y"), 0.1, -100, r)),
                    referenceCe(LOGITS, TARGETS, null, 0.1, -100, r), "ce smoothing 0.1, ignore -100, " + r);
            assertClose(eval(backend, in, (m, a) -> F.crossEntropy(a, m.get("y"), a.newTensor(HostArray.of(CLASS_WEIGHT, 3)), 0.2, -100, r)),
                    referenceCe(LOGITS, TARGETS, CLASS_WEIGHT, 0.2, -100, r), "ce weighted, smoothing 0.2, " + r);
        }
        long[] ignore2 = {1, 2, 0, 2};
        Map<String, HostArray> in2 = classification(LOGITS, ignore2, 3);
        assertClose(eval(backend, in2, (m, a) -> F.crossEntropy(a, m.get("y"), 0.3, 2)),
                referenceCe(LOGITS, ignore2, null, 0.3, 2, Reduction.MEAN), "ce ignore_index 2");

        // By hand: equal logits give log(3) whatever the target, smoothing or not.
        Map<String, HostArray> uniform = classification(new float[] {0.7f, 0.7f, 0.7f, -2f, -2f, -2f}, new long[] {0, 2}, 3);
        assertClose(eval(backend, uniform, (m, a) -> F.crossEntropy(a, m.get("y"), 0.25, -100)), new double[] {Math.log(3)}, "uniform logits");
        // By hand: [0, ln 3] against target 1 -> -log(3/4) = log(4/3); NONE keeps -100 rows at 0.
        Map<String, HostArray> byHand = classification(new float[] {0f, (float) Math.log(3), 5f, 1f}, new long[] {1, -100}, 2);
        assertClose(eval(backend, byHand, (m, a) -> F.crossEntropy(a, m.get("y"), Reduction.NONE)),
                new double[] {Math.log(4.0 / 3.0), 0}, "ce by hand, NONE");
    }

    @ParameterizedTest(name = "cross-entropy variants on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void crossEntropyVariants(String backend) {
        // NLL on log-probabilities equals cross-entropy on logits.
        Map<String, HostArray> in = classification(LOGITS, TARGETS, 3);
        assertClose(eval(backend, in, (m, a) -> F.nllLoss(a.logSoftmax(1), m.get("y"))),
                referenceCe(LOGITS, TARGETS, null, 0, -100, Reduction.MEAN), "nll");
        assertClose(eval(backend, in, (m, a) -> F.nllLoss(a.logSoftmax(1), m.get("y"), a.newTensor(HostArray.of(CLASS_WEIGHT, 3)), -100, Reduction.SUM)),
                referenceCe(LOGITS, TARGETS, CLASS_WEIGHT, 0, -100, Reduction.SUM), "nll weighted sum");

        // Spatial: logits [N=2, C=3, d=2] with targets [2, 2] equal the flattened [4, 3] problem.
        float[] spatial = new float[12];
        long[] flatTargets = {1, 2, -100, 0};
        long[] spatialTargets = new long[4];
        for (int n = 0; n < 2; n++) {
            for (int d = 0; d < 2; d++) {
                int row = n * 2 + d;
                spatialTargets[n * 2 + d] = flatTargets[row];
                for (int c = 0; c < 3; c++) {
                    spatial[n * 6 + c * 2 + d] = LOGITS[row * 3 + c];
                }
            }
        }
        Map<String, HostArray> sp = new LinkedHashMap<>();
        sp.put("a", HostArray.of(spatial, 2, 3, 2));
        sp.put("y", HostArray.of(spatialTargets, 2, 2));
        assertClose(eval(backend, sp, (m, a) -> F.crossEntropy(a, m.get("y"), 0.1, -100)),
                referenceCe(LOGITS, flatTargets, null, 0.1, -100, Reduction.MEAN), "spatial ce");
        assertClose(eval(backend, sp, (m, a) -> F.crossEntropy(a, m.get("y"), 0.1, -100, Reduction.NONE)),
                referenceCe(LOGITS, flatTargets, null, 0.1, -100, Reduction.NONE), "spatial ce NONE ([2, 2] row-major)");

        // Class-probability targets: one-hot probabilities reproduce the index loss (no ignored rows).
        long[] all = {1, 2, 0, 0};
        float[] probs = new float[12];
        for (int i = 0; i < 4; i++) {
            probs[i * 3 + (int) all[i]] = 1f;
        }
        Map<String, HostArray> pr = new LinkedHashMap<>();
        pr.put("a", HostArray.of(LOGITS, 4, 3));
        pr.put("y", HostArray.of(probs, 4, 3));
        assertClose(eval(backend, pr, (m, a) -> F.crossEntropy(a, m.get("y"), 0.2, -100)),
                referenceCe(LOGITS, all, null, 0.2, -100, Reduction.MEAN), "probability targets with smoothing");
    }

    @ParameterizedTest(name = "binary cross-entropy on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void binaryCrossEntropyWithLogits(String backend) {
        float[] x = {0f, 2f, -3f, 60f, -60f, 0.5f};
        float[] y = {1f, 0f, 1f, 0f, 1f, 0.3f};
        double[] pw = {2.0, 0.5, 1.0};
        Map<String, HostArray> in = new LinkedHashMap<>();
        in.put("a", HostArray.of(x, 2, 3));
        in.put("y", HostArray.of(y, 2, 3));
        for (Reduction r : Reduction.values()) {
            assertClose(eval(backend, in, (m, a) -> F.binaryCrossEntropyWithLogits(a, m.get("y"), r)),
                    pointwise(x, y, (xi, yi) -> Math.max(xi, 0) - xi * yi + Math.log1p(Math.exp(-Math.abs(xi))), r), "bce " + r);
        }
        double[] perExpected = new double[6];
        for (int i = 0; i < 6; i++) {
            double lw = 1 + (pw[i % 3] - 1) * y[i];
            // -[pw*y*log(sigmoid(x)) + (1-y)*log(1-sigmoid(x))], with log(sigmoid(x)) = -softplus(-x).
            perExpected[i] = lw * (Math.max(-x[i], 0) + Math.log1p(Math.exp(-Math.abs(x[i])))) + (1 - y[i]) * x[i];
        }
        assertClose(eval(backend, in, (m, a) -> F.binaryCrossEntropyWithLogits(a, m.get("y"), a.newTensor(HostArray.of(pw, 3)), Reduction.NONE)),
                perExpected, "bce pos_weight NONE");
        // By hand: x = 0 gives log 2 for any target.
        assertThat(eval(backend, in, (m, a) -> F.binaryCrossEntropyWithLogits(a, m.get("y"), Reduction.NONE))[0])
                .isCloseTo(Math.log(2), within(1e-6));
    }

    @ParameterizedTest(name = "loss argument errors on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void badArgumentsNameTheLossAndShapes(String backend) {
        Map<String, HostArray> in = new LinkedHashMap<>();
        in.put("a", HostArray.of(new float[8], 4, 2));
        in.put("y", HostArray.of(new float[4], 4));
        in.put("c", HostArray.of(new long[] {0, 1, 1, 0}, 4, 1));
        assertThatThrownBy(() -> eval(backend, in, (m, a) -> F.mseLoss(a, m.get("y"))))
                .hasStackTraceContaining("mseLoss: input shape").hasStackTraceContaining(", 2] and target shape").hasStackTraceContaining("differ");
        assertThatThrownBy(() -> eval(backend, in, (m, a) -> F.crossEntropy(a, m.get("y"))))
                .hasStackTraceContaining("crossEntropy").hasStackTraceContaining("class probabilities");
        assertThatThrownBy(() -> eval(backend, in, (m, a) -> F.crossEntropy(a, m.get("c"))))
                .hasStackTraceContaining("crossEntropy").hasStackTraceContaining("target shape")
                .hasStackTraceContaining("expected class indices of shape");
        assertThatThrownBy(() -> eval(backend, in, (m, a) -> F.crossEntropy(m.get("c").to(dev.lightning4j.tensor.DType.INT64), m.get("y"))))
                .hasStackTraceContaining("crossEntropy: input (logits) must be floating point");
        assertThatThrownBy(() -> eval(backend, in, (m, a) -> F.crossEntropy(a, m.get("c").reshape(-1), 1.5, -100)))
                .hasStackTraceContaining("labelSmoothing must be in [0, 1]");
    }
}
