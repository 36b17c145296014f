package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.Backends;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.nn.AdaptiveAvgPool2d;
import dev.lightning4j.nn.AvgPool2d;
import dev.lightning4j.nn.BatchNorm2d;
import dev.lightning4j.nn.Conv2d;
import dev.lightning4j.nn.Embedding;
import dev.lightning4j.nn.Flatten;
import dev.lightning4j.nn.GRU;
import dev.lightning4j.nn.LSTM;
import dev.lightning4j.nn.Linear;
import dev.lightning4j.nn.MaxPool2d;
import dev.lightning4j.nn.Module;
import dev.lightning4j.nn.ReLU;
import dev.lightning4j.nn.Sequential;
import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The convolution, pooling, normalisation, embedding and recurrent layers on each engine where the
 * golden cases do not reach: a dynamic batch dimension (TensorFlow traces step inputs with an
 * unknown batch size, so BatchNorm counts and RNN zero states must follow it), evaluation mode,
 * non-dividing adaptive pooling, final RNN states, and errors that name the layer.
 */
class ConvRecurrentLayersOnEnginesTest {

    private static float[] wave(int n, double phase) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) Math.sin(0.9 * i + phase);
        }
        return out;
    }

    private static void assertClose(HostArray actual, HostArray expected, double tol) {
        assertThat(actual.shape()).isEqualTo(expected.shape());
        double[] a = actual.toDoubleArray();
        double[] b = expected.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("value %d", i).isCloseTo(b[i], within(tol * Math.max(1, Math.abs(b[i]))));
        }
    }

    /**
     * Runs {@code model} in a step fed {@code x} (dynamic batch on TF) and again in a step reading x
     * from a variable (fully static shapes), from the same state; outputs and the state after must agree.
     */
    private static void dynamicMatchesStatic(Backend backend, Module model, HostArray x) {
        Map<String, HostArray> initial = model.stateDict();
        model.to(backend, Device.cpu());
        HostArray dynamic = Steps.runOnce(backend, Map.of("x", x), (ctx, in) -> Map.of("y", model.forward(in.get("x")))).get("y");
        Map<String, HostArray> dynamicState = model.stateDict();
        model.loadStateDict(initial, true);
        HostArray fixed;
        try (Variable xv = backend.newVariable("x", x, false, Device.cpu())) {
            fixed = Steps.runOnce(backend, Map.of(), (ctx, in) -> Map.of("y", model.forward(Tensor.wrap(backend, xv.read())))).get("y");
        }
        assertClose(dynamic, fixed, 1e-5);
        model.stateDict().forEach((name, v) -> assertClose(dynamicState.get(name), v, 1e-5));
        model.toHost();
    }

    @ParameterizedTest(name = "cnn with a dynamic batch on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void cnnWithDynamicBatch(String backendName) {
        Generator g = new Generator(3);
        BatchNorm2d bn = new BatchNorm2d(4);
        Sequential cnn = new Sequential(
                new Conv2d(2, 4, new int[] {3}, new int[] {1}, new int[] {1}, new int[] {1}, 1, true, g), bn, new ReLU(),
                new MaxPool2d(2),
                new Conv2d(4, 4, new int[] {3}, new int[] {1}, new int[] {2}, new int[] {2}, 2, true, g),
                new AvgPool2d(2), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(4, 3, true, g));
        HostArray x = HostArray.of(wave(3 * 2 * 8 * 8, 0.1), 3, 2, 8, 8);
        try (Backend backend = Backends.create(backendName)) {
            dynamicMatchesStatic(backend, cnn, x);
            assertThat(bn.numBatchesTracked().data().toLongArray()).containsExactly(1);
            assertThat(bn.runningVar().data().toFloatArray()).doesNotContain(1f); // updated from the batch
            // Evaluation mode reads the running statistics and leaves them alone.
            cnn.eval();
            Map<String, HostArray> before = cnn.stateDict();
            dynamicMatchesStatic(backend, cnn, x);
            assertThat(cnn.stateDict()).isEqualTo(before);
        }
    }

    /**
     * Loss and gradients of conv, pool, flatten and linear in one traced training step, with a
     * classifier head narrow enough that TensorFlow permutes the linear weight's columns instead of
     * transposing the activations (out features {@code <=} 64), and with a wide one that takes the
     * transpose; PyTorch (eager, no layout changes) is the reference. Tolerance 1e-5 relative: sums of
     * up to 27 float32 products per output, in a different order on each engine.
     */
    @ParameterizedTest(name = "conv, flatten and a linear layer of {0} outputs: the same gradients on both engines")
    @ValueSource(ints = {4, 70})
    void convFlattenLinearGradientsMatchAcrossEngines(int outFeatures) {
        Map<String, Map<String, HostArray>> results = new java.util.HashMap<>();
        for (String backendName : new String[] {"pytorch", "tensorflow"}) {
            Generator g = new Generator(11);
            Sequential cnn = new Sequential(
                    new Conv2d(2, 3, new int[] {3}, new int[] {1}, new int[] {1}, new int[] {1}, 1, true, g), new ReLU(),
                    new MaxPool2d(2), new Flatten(), new Linear(3 * 3 * 3, outFeatures, true, g));
            HostArray x = HostArray.of(wave(2 * 2 * 6 * 6, 0.3), 2, 2, 6, 6);
            try (Backend backend = Backends.create(backendName)) {
                cnn.to(backend, Device.cpu());
                var params = cnn.namedParameters();
                results.put(backendName, Steps.runOnce(backend, Map.of("x", x), (ctx, in) -> {
                    var grads = ctx.valueAndGrad(() -> cnn.forward(in.get("x")).square().mean(),
                            params.values().stream().map(dev.lightning4j.nn.Parameter::variable).toList());
                    Map<String, Tensor> out = new java.util.HashMap<>();
                    out.put("loss", grads.value());
                    int i = 0;
                    for (String name : params.keySet()) {
                        out.put("grad " + name, grads.grads().get(i++));
                    }
                    return out;
                }));
                cnn.toHost();
            }
        }
        Map<String, HostArray> expected = results.get("pytorch");
        assertThat(results.get("tensorflow").keySet()).isEqualTo(expected.keySet()).hasSize(5);
        expected.forEach((name, value) -> {
            assertThat(value.toDoubleArray()).as(name).isNotEqualTo(new double[value.size()]); // gradients reach every parameter
            assertClose(results.get("tensorflow").get(name), value, 1e-5);
        });
    }

    @ParameterizedTest(name = "embedding and recurrent layers with a dynamic batch on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void recurrentWithDynamicBatch(String backendName) {
        Generator g = new Generator(8);
        Module model = new Sequential(new Embedding(10, 3, g), new LSTM(3, 4, 2, true, true, 0, g));
        HostArray tokens = HostArray.of(new long[] {1, 4, 9, 0, 2, 2, 7, 3}, 2, 4);
        Module gru = new GRU(3, 5, 1, true, true, 0, g);
        try (Backend backend = Backends.create(backendName)) {
            dynamicMatchesStatic(backend, model, tokens);
            dynamicMatchesStatic(backend, gru, HostArray.of(wave(2 * 6 * 3, 0.4), 2, 6, 3));
        }
    }

    @ParameterizedTest(name = "final states and unbatched input on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void finalStates(String backendName) {
        LSTM lstm = new LSTM(3, 4, 2, true, true, 0, new Generator(1));
        GRU gru = new GRU(3, 4, 1, true, false, 0, new Generator(2));
        HostArray x = HostArray.of(wave(2 * 5 * 3, 0.2), 2, 5, 3);
        try (Backend backend = Backends.create(backendName)) {
            lstm.to(backend, Device.cpu());
            gru.to(backend, Device.cpu());
            Map<String, HostArray> out = Steps.runOnce(backend, Map.of("x", x), (ctx, in) -> {
                LSTM.Output o = lstm.forwardWithState(in.get("x"));
                GRU.Output go = gru.forwardWithState(in.get("x").transpose(0, 1)); // time-major
                Tensor single = lstm.forward(in.get("x").select(0, 1)); // unbatched [seq, feature]
                return Map.of("last", o.output().select(1, -1), "h", o.hN().select(0, -1), "cshape", o.cN().onesLike(),
                        "glast", go.output().select(0, -1), "gh", go.hN().select(0, 0),
                        "single", single, "batch1", o.output().select(0, 1));
            });
            assertClose(out.get("h"), out.get("last"), 1e-6);
            assertThat(out.get("cshape").shape().dims()).containsExactly(2, 2, 4);
            assertClose(out.get("gh"), out.get("glast"), 1e-6);
            assertClose(out.get("single"), out.get("batch1"), 1e-5);
            lstm.toHost();
            gru.toHost();
        }
    }

    @ParameterizedTest(name = "adaptive average pooling to a non-dividing size on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void adaptiveAvgPoolNonDividing(String backendName) {
        int h = 7;
        int w = 5;
        float[] x = wave(2 * h * w, 0.3);
        double[] expected = new double[2 * 3 * 2];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 2; j++) {
                    int h0 = i * h / 3, h1 = -Math.floorDiv(-(i + 1) * h, 3);
                    int w0 = j * w / 2, w1 = -Math.floorDiv(-(j + 1) * w, 2);
                    double s = 0;
                    for (int a = h0; a < h1; a++) {
                        for (int b = w0; b < w1; b++) {
                            s += x[(c * h + a) * w + b];
                        }
                    }
                    expected[(c * 3 + i) * 2 + j] = s / ((h1 - h0) * (w1 - w0));
                }
            }
        }
        AdaptiveAvgPool2d pool = new AdaptiveAvgPool2d(3, 2);
        try (Backend backend = Backends.create(backendName)) {
            HostArray y = Steps.runOnce(backend, Map.of("x", HostArray.of(x, 1, 2, h, w)),
                    (ctx, in) -> Map.of("y", pool.forward(in.get("x")))).get("y");
            assertThat(y.shape().dims()).containsExactly(1, 2, 3, 2);
            double[] v = y.toDoubleArray();
            for (int i = 0; i < v.length; i++) {
                assertThat(v[i]).isCloseTo(expected[i], within(1e-6));
            }
        }
    }

    @ParameterizedTest(name = "errors name the layer on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void errorsNameTheLayer(String backendName) {
        Conv2d conv = new Conv2d(3, 4, 3);
        LSTM lstm = new LSTM(3, 4, 1, false);
        BatchNorm2d bn = new BatchNorm2d(3);
        try (Backend backend = Backends.create(backendName)) {
            conv.to(backend, Device.cpu());
            lstm.to(backend, Device.cpu());
            bn.to(backend, Device.cpu());
            Tensor twoChannels = backend.tensor(new float[2 * 2 * 5 * 5], 2, 2, 5, 5);
            assertThatThrownBy(() -> conv.forward(twoChannels)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Conv2d(3, 4, kernel_size=(3, 3)").hasMessageContaining("[2, 2, 5, 5]")
                    .hasMessageContaining("2 channels").hasMessageContaining("expected 3");
            assertThatThrownBy(() -> conv.forward(backend.tensor(new float[2 * 3 * 2 * 2], 2, 3, 2, 2)))
                    .hasMessageContaining("conv2d").hasMessageContaining("too small");
            assertThatThrownBy(() -> lstm.forward(backend.tensor(new float[2 * 5 * 2], 5, 2, 2)))
                    .hasMessageContaining("LSTM(3, 4)").hasMessageContaining("expected 3");
            assertThatThrownBy(() -> bn.forward(backend.tensor(new float[3 * 4], 1, 3, 4)))
                    .hasMessageContaining("BatchNorm2d").hasMessageContaining("[N, 3, H, W]");
            if (backendName.equals("tensorflow")) {
                // Time-major input: the traced (unknown) dimension is the sequence, which cannot be unrolled.
                assertThatThrownBy(() -> Steps.runOnce(backend, Map.of("x", HostArray.of(new float[5 * 2 * 3], 5, 2, 3)),
                        (ctx, in) -> Map.of("y", lstm.forward(in.get("x")))))
                        .hasStackTraceContaining("LSTM(3, 4)").hasStackTraceContaining("sequence length");
            }
            conv.toHost();
            lstm.toHost();
            bn.toHost();
        }
    }
}
