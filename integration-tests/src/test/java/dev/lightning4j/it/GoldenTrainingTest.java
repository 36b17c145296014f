package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.Backends;
import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.Gradients;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.nn.Parameter;
import dev.lightning4j.nn.Sequential;
import dev.lightning4j.nn.functional.F;
import dev.lightning4j.optim.Adam;
import dev.lightning4j.optim.AdamW;
import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.optim.SGD;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reproduces PyTorch training runs from {@code shared/golden} (cases without scheduler or gradient
 * clipping) on each engine: the same initial weights, full-batch steps through a compiled step with
 * {@code valueAndGrad} and the optimizer, then the per-step losses and the final weights compared
 * with PyTorch's.
 *
 * <p>Tolerance: every loss and every final weight must be within a relative error of
 * {@value #REL_TOL}, measured as {@code |actual - expected| / max(|expected|, }{@value #REL_FLOOR}{@code )}
 * (the floor keeps weights that pass close to zero from turning float32 rounding into a huge
 * relative error).
 */
class GoldenTrainingTest {
    /** The largest relative error accepted for each loss and final weight. */
    static final double REL_TOL = 1e-4;
    /** The magnitude below which an error is measured relative to this floor instead. */
    static final double REL_FLOOR = 1e-3;

    @ParameterizedTest(name = "sgd_momentum_mse on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void sgdMomentumMse(String backend) {
        reproduce("sgd_momentum_mse", backend);
    }

    @ParameterizedTest(name = "sgd_nesterov_ce on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void sgdNesterovCe(String backend) {
        reproduce("sgd_nesterov_ce", backend);
    }

    /** Adam op by op ({@code fused(false)}), as torch's default single-tensor implementation. */
    @ParameterizedTest(name = "adam_mse on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void adamMse(String backend) {
        reproduce("adam_mse", backend, false, REL_TOL);
    }

    @ParameterizedTest(name = "adamw_ce on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void adamwCe(String backend) {
        reproduce("adamw_ce", backend, false, REL_TOL);
    }

    /** Adam through the engine's fused kernel (the default), held to the same tolerance. */
    @ParameterizedTest(name = "adam_mse, fused kernel, on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void adamMseFused(String backend) {
        reproduce("adam_mse", backend, true, REL_TOL);
    }

    @ParameterizedTest(name = "adamw_ce, fused kernel, on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void adamwCeFused(String backend) {
        reproduce("adamw_ce", backend, true, REL_TOL);
    }

    private static void reproduce(String caseName, String backendName) {
        reproduce(caseName, backendName, false, REL_TOL);
    }

    private static void reproduce(String caseName, String backendName, boolean fused, double tolerance) {
        JsonObject json = GoldenFiles.load(caseName);
        assertThat(json.get("scheduler").isJsonNull()).as("%s: schedulers are not part of this test", caseName).isTrue();
        assertThat(json.get("clip_grad_norm").isJsonNull()).as("%s: clipping is not part of this test", caseName).isTrue();

        Sequential model = GoldenFiles.sequential(json.getAsJsonObject("model"));
        model.loadStateDict(GoldenFiles.stateDict(json.getAsJsonObject("initial_state")), true);
        String lossName = json.get("loss").getAsString();
        HostArray x = GoldenFiles.floats(json.getAsJsonObject("x"));
        HostArray y = lossName.equals("ce") ? GoldenFiles.longs(json.getAsJsonObject("y"))
                : GoldenFiles.floats(json.getAsJsonObject("y"));
        int steps = json.get("steps").getAsInt();
        double[] expectedLosses = GoldenFiles.doubles(json.getAsJsonArray("losses"));
        Map<String, HostArray> expectedFinal = GoldenFiles.stateDict(json.getAsJsonObject("final_state"));

        double[] losses = new double[steps];
        Map<String, HostArray> finalState;
        try (Backend backend = Backends.create(backendName)) {
            model.to(backend, Device.cpu());
            List<Parameter> params = model.parameters();
            List<Variable> variables = params.stream().map(Parameter::variable).toList();
            Optimizer optimizer = buildOptimizer(json.getAsJsonObject("optimizer"), params, fused);
            try (CompiledStep step = backend.compile("train", Device.cpu(), (ctx, in) -> {
                Tensor input = in.get("x");
                Tensor target = in.get("y");
                Gradients g = ctx.valueAndGrad(() -> loss(lossName, model.forward(input), target), variables);
                Map<Parameter, Tensor> grads = new IdentityHashMap<>();
                for (int i = 0; i < params.size(); i++) {
                    grads.put(params.get(i), g.grads().get(i));
                }
                optimizer.step(ctx, grads);
                return Map.of("loss", g.value());
            })) {
                for (int s = 0; s < steps; s++) {
                    optimizer.beginStep();
                    losses[s] = step.run(Map.of("x", x, "y", y)).get("loss").item();
                }
            }
            finalState = model.stateDict();
            optimizer.releaseState();
            model.toHost();
        }

        double worstLoss = 0;
        for (int s = 0; s < steps; s++) {
            worstLoss = Math.max(worstLoss, relErr(losses[s], expectedLosses[s]));
        }
        double worstWeight = 0;
        String worstName = "";
        for (Map.Entry<String, HostArray> e : expectedFinal.entrySet()) {
            HostArray actual = finalState.get(e.getKey());
            assertThat(actual).as("%s on %s: final state lacks %s", caseName, backendName, e.getKey()).isNotNull();
            assertThat(actual.shape()).isEqualTo(e.getValue().shape());
            double[] a = actual.toDoubleArray();
            double[] b = e.getValue().toDoubleArray();
            for (int i = 0; i < a.length; i++) {
                double r = relErr(a[i], b[i]);
                if (r > worstWeight) {
                    worstWeight = r;
                    worstName = e.getKey() + "[" + i + "]";
                }
            }
        }
        System.out.printf("GOLDEN %-18s %-10s%s max rel err: losses %.3e, final weights %.3e (%s)%n",
                caseName, backendName, fused ? " fused" : "", worstLoss, worstWeight, worstName);
        for (int s = 0; s < steps; s++) {
            double r = relErr(losses[s], expectedLosses[s]);
            assertThat(r).as("%s on %s: loss at step %d is %s, PyTorch had %s (relative error %s > %s)",
                    caseName, backendName, s, losses[s], expectedLosses[s], r, tolerance).isLessThanOrEqualTo(tolerance);
        }
        assertThat(worstWeight).as("%s on %s: worst final weight %s (relative error)", caseName, backendName, worstName)
                .isLessThanOrEqualTo(tolerance);
    }

    static double relErr(double actual, double expected) {
        return Math.abs(actual - expected) / Math.max(Math.abs(expected), REL_FLOOR);
    }

    private static Tensor loss(String name, Tensor output, Tensor target) {
        return switch (name) {
            case "mse" -> F.mseLoss(output, target);
            case "ce" -> F.crossEntropy(output, target);
            default -> throw new IllegalArgumentException("unknown golden loss '" + name + "'");
        };
    }

    private static Optimizer buildOptimizer(JsonObject o, List<Parameter> params, boolean fused) {
        String name = o.get("name").getAsString();
        double lr = o.get("lr").getAsDouble();
        return switch (name) {
            case "SGD" -> SGD.builder(params).lr(lr)
                    .momentum(num(o, "momentum", 0))
                    .dampening(num(o, "dampening", 0))
                    .nesterov(o.has("nesterov") && o.get("nesterov").getAsBoolean())
                    .weightDecay(num(o, "weight_decay", 0))
                    .build();
            case "Adam", "AdamW" -> {
                Adam.Builder b = name.equals("Adam") ? Adam.builder(params) : AdamW.builder(params);
                b.lr(lr).eps(num(o, "eps", 1e-8));
                if (o.has("betas")) {
                    JsonArray betas = o.getAsJsonArray("betas");
                    b.betas(betas.get(0).getAsDouble(), betas.get(1).getAsDouble());
                }
                if (o.has("weight_decay")) {
                    b.weightDecay(o.get("weight_decay").getAsDouble());
                }
                b.amsgrad(o.has("amsgrad") && o.get("amsgrad").getAsBoolean()).fused(fused);
                yield b.build();
            }
            default -> throw new IllegalArgumentException("golden optimizer: unsupported " + name);
        };
    }

    private static double num(JsonObject o, String key, double fallback) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsDouble() : fallback;
    }
}
