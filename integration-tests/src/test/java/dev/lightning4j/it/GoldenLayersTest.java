package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.Backends;
import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.Gradients;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.nn.BatchNorm2d;
import dev.lightning4j.nn.Conv1d;
import dev.lightning4j.nn.Conv2d;
import dev.lightning4j.nn.GRU;
import dev.lightning4j.nn.LSTM;
import dev.lightning4j.nn.LayerNorm;
import dev.lightning4j.nn.MaxPool2d;
import dev.lightning4j.nn.Module;
import dev.lightning4j.nn.Parameter;
import dev.lightning4j.nn.Sequential;
import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The layer cases of {@code shared/golden} (computed by PyTorch in float32) on each engine: the
 * layer is built from the case's {@code config}, loads {@code initial_state}, and runs {@code x}
 * forward in training mode inside a compiled step (traced on TensorFlow), where
 * {@code valueAndGrad} differentiates {@code sum(output * w)} with respect to {@code x} (held in a
 * trainable variable for that purpose) and every parameter. Compared with PyTorch: {@code output},
 * {@code grad_x}, each parameter's gradient, and {@code state_after} (which holds BatchNorm's updated
 * running statistics and {@code num_batches_tracked}).
 *
 * <p>Tolerance: every value within a relative error of {@value #REL_TOL}, measured as in
 * {@link GoldenTrainingTest}: {@code |actual - expected| / max(|expected|, }{@value #REL_FLOOR}{@code )}.
 */
class GoldenLayersTest {
    /** The largest relative error accepted for any compared value. */
    static final double REL_TOL = 1e-4;
    /** The magnitude below which an error is measured relative to this floor instead. */
    static final double REL_FLOOR = 1e-3;

    @ParameterizedTest(name = "lstm on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void lstm(String backend) {
        JsonObject json = GoldenFiles.load("lstm");
        JsonObject c = json.getAsJsonObject("config");
        check("lstm", json, backend, new LSTM(c.get("input_size").getAsInt(), c.get("hidden_size").getAsInt(), 1, true,
                c.get("batch_first").getAsBoolean(), 0, new Generator(0)));
    }

    @ParameterizedTest(name = "gru on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void gru(String backend) {
        JsonObject json = GoldenFiles.load("gru");
        JsonObject c = json.getAsJsonObject("config");
        check("gru", json, backend, new GRU(c.get("input_size").getAsInt(), c.get("hidden_size").getAsInt(), 1, true,
                c.get("batch_first").getAsBoolean(), 0, new Generator(0)));
    }

    @ParameterizedTest(name = "conv1d on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void conv1d(String backend) {
        JsonObject json = GoldenFiles.load("conv1d");
        JsonObject c = json.getAsJsonObject("config");
        check("conv1d", json, backend, new Conv1d(c.get("in_channels").getAsInt(), c.get("out_channels").getAsInt(),
                c.get("kernel_size").getAsInt(), c.get("stride").getAsInt(), c.get("padding").getAsInt(), 1, 1, true,
                new Generator(0)));
    }

    @ParameterizedTest(name = "conv2d on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void conv2d(String backend) {
        JsonObject json = GoldenFiles.load("conv2d");
        JsonObject c = json.getAsJsonObject("config");
        check("conv2d", json, backend, new Conv2d(c.get("in_channels").getAsInt(), c.get("out_channels").getAsInt(),
                new int[] {c.get("kernel_size").getAsInt()}, new int[] {c.get("stride").getAsInt()},
                new int[] {c.get("padding").getAsInt()}, new int[] {1}, 1, true, new Generator(0)));
    }

    @ParameterizedTest(name = "batchnorm2d_train on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void batchnorm2dTrain(String backend) {
        JsonObject json = GoldenFiles.load("batchnorm2d_train");
        JsonObject c = json.getAsJsonObject("config");
        check("batchnorm2d_train", json, backend, new BatchNorm2d(c.get("num_features").getAsInt(), c.get("eps").getAsDouble(),
                c.get("momentum").getAsDouble(), true, true));
    }

    @ParameterizedTest(name = "layernorm on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void layernorm(String backend) {
        JsonObject json = GoldenFiles.load("layernorm");
        JsonObject c = json.getAsJsonObject("config");
        check("layernorm", json, backend, new LayerNorm(new long[] {c.get("normalized_shape").getAsLong()},
                c.get("eps").getAsDouble(), true));
    }

    @ParameterizedTest(name = "maxpool2d_after_conv on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void maxpool2dAfterConv(String backend) {
        JsonObject json = GoldenFiles.load("maxpool2d_after_conv");
        assertThat(json.getAsJsonObject("config").get("layers").getAsString()).isEqualTo("Conv2d(1,2,3) then MaxPool2d(2)");
        check("maxpool2d_after_conv", json, backend, new Sequential(
                new Conv2d(1, 2, new int[] {3}, new int[] {1}, new int[] {0}, new int[] {1}, 1, true, new Generator(0)),
                new MaxPool2d(2)));
    }

    private static void check(String caseName, JsonObject json, String backendName, Module model) {
        model.loadStateDict(GoldenFiles.stateDict(json.getAsJsonObject("initial_state")), true);
        model.train(true);
        HostArray x = GoldenFiles.floats(json.getAsJsonObject("x"));
        HostArray w = GoldenFiles.floats(json.getAsJsonObject("w"));

        Map<String, Parameter> named = model.namedParameters();
        List<String> names = new ArrayList<>(named.keySet());
        Map<String, HostArray> out;
        Map<String, HostArray> stateAfter;
        try (Backend backend = Backends.create(backendName)) {
            model.to(backend, Device.cpu());
            try (Variable xv = backend.newVariable("x", x, true, Device.cpu())) {
                List<Variable> wrt = new ArrayList<>();
                wrt.add(xv);
                names.forEach(n -> wrt.add(named.get(n).variable()));
                try (CompiledStep step = backend.compile("golden-" + caseName, Device.cpu(), (ctx, in) -> {
                    Tensor[] output = new Tensor[1];
                    Gradients g = ctx.valueAndGrad(() -> {
                        output[0] = model.forward(Tensor.wrap(backend, xv.read()));
                        return output[0].mul(in.get("w")).sum();
                    }, wrt);
                    Map<String, Tensor> r = new HashMap<>();
                    r.put("output", output[0]);
                    r.put("grad_x", g.grads().get(0));
                    for (int i = 0; i < names.size(); i++) {
                        r.put("grad_" + i, g.grads().get(i + 1));
                    }
                    return r;
                })) {
                    out = step.run(Map.of("w", w));
                }
            }
            stateAfter = model.stateDict();
            model.toHost();
        }

        Map<String, Double> worst = new LinkedHashMap<>();
        worst.put("output", maxRelErr(out.get("output"), GoldenFiles.floats(json.getAsJsonObject("output"))));
        worst.put("grad_x", maxRelErr(out.get("grad_x"), GoldenFiles.floats(json.getAsJsonObject("grad_x"))));
        Map<String, HostArray> expectedGrads = GoldenFiles.stateDict(json.getAsJsonObject("grads"));
        assertThat(expectedGrads.keySet()).as("%s: parameters with gradients", caseName).containsExactlyInAnyOrderElementsOf(names);
        for (int i = 0; i < names.size(); i++) {
            worst.put("grad " + names.get(i), maxRelErr(out.get("grad_" + i), expectedGrads.get(names.get(i))));
        }
        for (Map.Entry<String, JsonElement> e : json.getAsJsonObject("state_after").entrySet()) {
            HostArray actual = stateAfter.get(e.getKey());
            assertThat(actual).as("%s on %s: state lacks %s", caseName, backendName, e.getKey()).isNotNull();
            worst.put("state " + e.getKey(), maxRelErr(actual, GoldenFiles.floats(e.getValue().getAsJsonObject())));
        }
        double overall = worst.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        System.out.printf("GOLDEN-LAYER %-22s %-10s max rel err %.3e  %s%n", caseName, backendName, overall, format(worst));
        worst.forEach((what, err) -> assertThat(err)
                .as("%s on %s: %s max relative error %s > %s", caseName, backendName, what, err, REL_TOL)
                .isLessThanOrEqualTo(REL_TOL));
    }

    private static String format(Map<String, Double> worst) {
        StringBuilder sb = new StringBuilder();
        worst.forEach((k, v) -> sb.append(k).append('=').append(String.format("%.2e", v)).append("; "));
        return sb.toString();
    }

    /** The largest relative error over all values; shapes must match. */
    private static double maxRelErr(HostArray actual, HostArray expected) {
        assertThat(actual.shape()).isEqualTo(expected.shape());
        double[] a = actual.toDoubleArray();
        double[] b = expected.toDoubleArray();
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), REL_FLOOR));
        }
        return worst;
    }
}
