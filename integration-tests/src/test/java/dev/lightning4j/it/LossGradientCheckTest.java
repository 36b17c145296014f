package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.Backends;
import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.Gradients;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.nn.functional.F;
import dev.lightning4j.nn.functional.Reduction;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import dev.lightning4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks each loss's gradient (taken by the engine with {@code valueAndGrad}) against central finite
 * differences of the loss value, in float64: the input is a trainable variable perturbed from the
 * host one element at a time, and the loss is re-evaluated by the same compiled step.
 */
class LossGradientCheckTest {
    private static final double H = 1e-6;
    private static final double TOL = 1e-6;

    private static final double[] X = {0.5, -1.0, 2.0, 0.3, 3.5, -0.2, 1.2, -0.7, 0.0, 0.9, -2.5, 1.7};
    private static final double[] Y = {0.1, -0.8, 4.0, 0.1, 1.0, -0.25, 1.0, 0.1, 1.3, 0.45, -1.0, 0.6};
    private static final long[] CLASSES = {1, -100, 0, 2};

    /** Compares engine gradients with finite differences for {@code loss(x, inputs)} at {@link #X} shaped [4, 3]. */
    private static void check(String backendName, String what, Map<String, HostArray> inputs,
                              BiFunction<Tensor, Map<String, Tensor>, Tensor> loss) {
        try (Backend backend = Backends.create(backendName)) {
            Variable x = backend.newVariable("x", HostArray.of(X.clone(), 4, 3), true, Device.cpu());
            try (CompiledStep step = backend.compile("gradcheck", Device.cpu(), (ctx, in) -> {
                Gradients g = ctx.valueAndGrad(() -> loss.apply(Tensor.wrap(backend, x.read()), in), List.of(x));
                return Map.of("loss", g.value(), "grad", g.grads().get(0));
            })) {
                Map<String, HostArray> out = step.run(inputs);
                assertThat(out.get("grad").shape()).isEqualTo(Shape.of(4, 3));
                double[] analytic = out.get("grad").toDoubleArray();
                double worst = 0;
                for (int i = 0; i < X.length; i++) {
                    double[] plus = X.clone();
                    plus[i] += H;
                    x.load(HostArray.of(plus, 4, 3));
                    double lp = step.run(inputs).get("loss").item();
                    double[] minus = X.clone();
                    minus[i] -= H;
                    x.load(HostArray.of(minus, 4, 3));
                    double lm = step.run(inputs).get("loss").item();
                    double numeric = (lp - lm) / (2 * H);
                    double err = Math.abs(numeric - analytic[i]) / Math.max(1, Math.abs(numeric));
                    worst = Math.max(worst, err);
                    assertThat(err).as("%s on %s: d loss / d x[%d]: engine %s, finite differences %s",
                            what, backendName, i, analytic[i], numeric).isLessThanOrEqualTo(TOL);
                }
                System.out.printf("GRADCHECK %-40s %-10s max error %.2e%n", what, backendName, worst);
            } finally {
                x.close();
            }
        }
    }

    private static Map<String, HostArray> targets() {
        Map<String, HostArray> m = new LinkedHashMap<>();
        m.put("y", HostArray.of(Y.clone(), 4, 3));
        m.put("c", HostArray.of(CLASSES.clone(), 4));
        double[] probs = {0.2, 0.3, 0.5, 1, 0, 0, 0.1, 0.1, 0.8, 0.25, 0.25, 0.5};
        m.put("p", HostArray.of(probs, 4, 3));
        return m;
    }

    @ParameterizedTest(name = "regression losses on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void regressionLosses(String backend) {
        Map<String, HostArray> in = targets();
        check(backend, "mseLoss", in, (x, m) -> F.mseLoss(x, m.get("y")));
        check(backend, "mseLoss SUM", in, (x, m) -> F.mseLoss(x, m.get("y"), Reduction.SUM));
        check(backend, "l1Loss", in, (x, m) -> F.l1Loss(x, m.get("y")));
        check(backend, "smoothL1Loss beta 0.5", in, (x, m) -> F.smoothL1Loss(x, m.get("y"), 0.5, Reduction.MEAN));
        check(backend, "huberLoss delta 0.7", in, (x, m) -> F.huberLoss(x, m.get("y"), 0.7, Reduction.SUM));
        // NONE: a weighted sum of the per-element losses checks every element's gradient.
        check(backend, "huberLoss NONE", in, (x, m) -> F.huberLoss(x, m.get("y"), 1.0, Reduction.NONE).mul(m.get("y")).sum());
    }

    @ParameterizedTest(name = "classification losses on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void classificationLosses(String backend) {
        Map<String, HostArray> in = targets();
        check(backend, "crossEntropy", in, (x, m) -> F.crossEntropy(x, m.get("c")));
        check(backend, "crossEntropy smoothing 0.1 ignore -100", in, (x, m) -> F.crossEntropy(x, m.get("c"), 0.1, -100));
        check(backend, "crossEntropy weighted smoothing SUM", in, (x, m) -> F.crossEntropy(x, m.get("c"),
                x.newTensor(HostArray.of(new double[] {0.5, 2.0, 1.0}, 3)), 0.2, -100, Reduction.SUM));
        check(backend, "crossEntropy probability targets", in, (x, m) -> F.crossEntropy(x, m.get("p"), 0.1, -100));
        check(backend, "nllLoss on logSoftmax", in, (x, m) -> F.nllLoss(x.logSoftmax(1), m.get("c")));
        check(backend, "bceWithLogits", in, (x, m) -> F.binaryCrossEntropyWithLogits(x, m.get("p")));
        check(backend, "bceWithLogits posWeight", in, (x, m) -> F.binaryCrossEntropyWithLogits(x, m.get("p"),
                x.newTensor(HostArray.of(new double[] {3.0, 0.5, 1.0}, 3)), Reduction.SUM));
        check(backend, "binaryCrossEntropy", in, (x, m) -> F.binaryCrossEntropy(x.sigmoid(), m.get("p")));
    }
}
