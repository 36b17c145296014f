package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.Backends;
import dev.lightning4j.nn.Dropout;
import dev.lightning4j.nn.Flatten;
import dev.lightning4j.nn.GELU;
import dev.lightning4j.nn.Identity;
import dev.lightning4j.nn.Linear;
import dev.lightning4j.nn.LogSoftmax;
import dev.lightning4j.nn.Module;
import dev.lightning4j.nn.ReLU;
import dev.lightning4j.nn.Sequential;
import dev.lightning4j.nn.Sigmoid;
import dev.lightning4j.nn.Softmax;
import dev.lightning4j.nn.Tanh;
import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Layers run on each engine against host computations of their definitions. */
class LayersOnEnginesTest {
    private static final float[] X = {0.5f, -1.0f, 2.0f, 0.0f, -0.3f, 1.5f, -2.0f, 0.7f};

    private static double[] forward(Backend backend, Module m, HostArray x) {
        return Steps.runOnce(backend, Map.of("x", x), (ctx, in) -> Map.of("y", m.forward(in.get("x")))).get("y").toDoubleArray();
    }

    private static double erf(double x) {
        // Abramowitz-Stegun 7.1.26 is too coarse; integrate the series instead (|x| <= 3 here).
        double sum = 0;
        double term = x;
        for (int n = 0; n < 60; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    @ParameterizedTest(name = "linear and sequential on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void linearAndSequential(String backendName) {
        Linear lin = new Linear(4, 3, true, new Generator(11));
        float[] w = lin.weight().data().toFloatArray();
        float[] b = lin.bias().data().toFloatArray();
        Sequential seq = new Sequential(lin, new Tanh(), new Identity());
        try (Backend backend = Backends.create(backendName)) {
            seq.to(backend, Device.cpu());
            double[] y = forward(backend, seq, HostArray.of(X, 2, 4));
            for (int n = 0; n < 2; n++) {
                for (int o = 0; o < 3; o++) {
                    double s = b[o];
                    for (int i = 0; i < 4; i++) {
                        s += X[n * 4 + i] * w[o * 4 + i];
                    }
                    assertThat(y[n * 3 + o]).isCloseTo(Math.tanh(s), within(1e-6));
                }
            }
            assertThatThrownBy(() -> forward(backend, lin, HostArray.of(new float[6], 2, 3)))
                    .hasStackTraceContaining("Linear(4, 3)").hasStackTraceContaining("expected 4");
            seq.toHost();
        }
    }

    @ParameterizedTest(name = "activations on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void activations(String backendName) {
        Map<Module, DoubleUnaryOperator> cases = Map.of(
                new ReLU(), v -> Math.max(v, 0),
                new Sigmoid(), v -> 1 / (1 + Math.exp(-v)),
                new Tanh(), Math::tanh,
                new GELU(), v -> 0.5 * v * (1 + erf(v / Math.sqrt(2))),
                new Identity(), v -> v);
        try (Backend backend = Backends.create(backendName)) {
            for (Map.Entry<Module, DoubleUnaryOperator> e : cases.entrySet()) {
                double[] y = forward(backend, e.getKey(), HostArray.of(X, 2, 4));
                for (int i = 0; i < X.length; i++) {
                    assertThat(y[i]).as("%s(%s)", e.getKey(), X[i]).isCloseTo(e.getValue().applyAsDouble(X[i]), within(1e-6));
                }
            }
            double[] sm = forward(backend, new Softmax(-1), HostArray.of(X, 2, 4));
            double[] lsm = forward(backend, new LogSoftmax(1), HostArray.of(X, 2, 4));
            for (int n = 0; n < 2; n++) {
                double z = 0;
                for (int i = 0; i < 4; i++) {
                    z += Math.exp(X[n * 4 + i]);
                }
                for (int i = 0; i < 4; i++) {
                    assertThat(sm[n * 4 + i]).isCloseTo(Math.exp(X[n * 4 + i]) / z, within(1e-6));
                    assertThat(lsm[n * 4 + i]).isCloseTo(X[n * 4 + i] - Math.log(z), within(1e-6));
                }
            }
        }
    }

    @ParameterizedTest(name = "dropout and flatten on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void dropoutAndFlatten(String backendName) {
        float[] ones = new float[400];
        java.util.Arrays.fill(ones, 1f);
        try (Backend backend = Backends.create(backendName)) {
            backend.manualSeed(5);
            Dropout d = new Dropout(0.25);
            double[] train = forward(backend, d, HostArray.of(ones, 4, 100));
            int zeros = 0;
            for (double v : train) {
                if (v == 0) {
                    zeros++;
                } else {
                    assertThat(v).isCloseTo(1 / 0.75, within(1e-6));
                }
            }
            assertThat(zeros).isBetween(50, 150); // expected 100 of 400
            d.eval();
            assertThat(forward(backend, d, HostArray.of(ones, 4, 100))).containsOnly(1.0);

            Flatten f = new Flatten();
            Map<String, HostArray> out = Steps.runOnce(backend, Map.of("x", HostArray.of(new float[24], 2, 3, 4)),
                    (ctx, in) -> Map.of("y", f.forward(in.get("x"))));
            assertThat(out.get("y").shape()).isEqualTo(Shape.of(2, 12));
        }
    }
}
