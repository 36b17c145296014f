package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.Backends;
import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.Gradients;
import dev.lightning4j.nn.Module;
import dev.lightning4j.nn.Parameter;
import dev.lightning4j.optim.Adam;
import dev.lightning4j.optim.AdamW;
import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.optim.RMSprop;
import dev.lightning4j.optim.SGD;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every optimizer option against a host reference in double that follows {@code torch.optim}'s
 * single-tensor code line by line. The problem is a weighted quadratic,
 * {@code loss = 0.5 * sum(c * (w - t)^2)} with gradient {@code c * (w - t)}, trained for
 * {@value #STEPS} steps; the learning rate changes half way, as a scheduler would change it, to
 * check that per-run values reach a traced step. Also checks PyTorch's state names.
 */
class OptimizerReferenceTest {
    private static final int STEPS = 12;
    private static final double TOL = 2e-5;
    private static final double[] W0 = {0.5, -1.2, 2.0, 0.1, -0.3, 0.8};
    private static final double[] T = {1.0, 0.5, -1.0, 0.0, 0.2, 0.4};
    private static final double[] C = {1.0, 2.0, 0.5, 3.0, 1.5, 0.25};

    /** One parameter {@code w} of shape [2, 3]. */
    static final class Quadratic extends Module {
        final Parameter w;

        Quadratic() {
            float[] init = new float[W0.length];
            for (int i = 0; i < init.length; i++) {
                init[i] = (float) W0[i];
            }
            w = registerParameter("w", HostArray.of(init, 2, 3));
        }
    }

    /** A host optimizer: updates {@code w} in place from gradient {@code g} at step {@code t} (1-based) with learning rate {@code lr}. */
    interface Reference {
        void step(double[] w, double[] g, int t, double lr);
    }

    private static void compare(String backendName, String what, Function<List<Parameter>, Optimizer> make,
                                Reference reference, List<String> stateNames) {
        double lr0;
        double[] expected = W0.clone();
        Quadratic model = new Quadratic();
        try (Backend backend = Backends.create(backendName)) {
            model.to(backend, Device.cpu());
            Optimizer opt = make.apply(model.parameters());
            lr0 = opt.paramGroups().get(0).lr();
            HostArray t = HostArray.fromDoubles(T, dev.lightning4j.tensor.DType.FLOAT32, dev.lightning4j.tensor.Shape.of(2, 3));
            HostArray c = HostArray.fromDoubles(C, dev.lightning4j.tensor.DType.FLOAT32, dev.lightning4j.tensor.Shape.of(2, 3));
            try (CompiledStep step = backend.compile("opt", Device.cpu(), (ctx, in) -> {
                Gradients g = ctx.valueAndGrad(() -> {
                    Tensor w = model.w.value();
                    return w.sub(in.get("t")).square().mul(in.get("c")).sum().mul(0.5);
                }, List.of(model.w.variable()));
                Map<Parameter, Tensor> grads = new HashMap<>();
                grads.put(model.w, g.grads().get(0));
                opt.step(ctx, grads);
                return Map.of("loss", g.value());
            })) {
                for (int s = 1; s <= STEPS; s++) {
                    double lr = s > STEPS / 2 ? lr0 * 0.5 : lr0;
                    opt.paramGroups().get(0).set("lr", lr);
                    // The gradient is evaluated at float32 weights, as the engine sees them.
                    double[] g = new double[W0.length];
                    for (int i = 0; i < g.length; i++) {
                        g[i] = C[i] * ((float) expected[i] - T[i]);
                    }
                    reference.step(expected, g, s, lr);
                    opt.beginStep();
                    step.run(Map.of("t", t, "c", c));
                }
            }
            double[] actual = model.w.data().toDoubleArray();
            double worst = 0;
            for (int i = 0; i < actual.length; i++) {
                double err = Math.abs(actual[i] - expected[i]) / Math.max(1e-2, Math.abs(expected[i]));
                worst = Math.max(worst, err);
                assertThat(err).as("%s on %s: w[%d] = %s, reference %s", what, backendName, i, actual[i], expected[i])
                        .isLessThanOrEqualTo(TOL);
            }
            System.out.printf("OPTIM %-36s %-10s max rel err %.2e%n", what, backendName, worst);
            Map<String, HostArray> state = opt.stateDict().getOrDefault(0, Map.of());
            assertThat(state.keySet()).as("%s state names", what).containsExactlyInAnyOrderElementsOf(stateNames);
            opt.releaseState();
            model.toHost();
        }
    }

    // ---------------------------------------------------------------- torch.optim in double

    private static Reference sgd(double momentum, double dampening, boolean nesterov, double wd) {
        double[][] buf = {null};
        return (w, g, t, lr) -> {
            for (int i = 0; i < w.length; i++) {
                g[i] = wd != 0 ? g[i] + wd * w[i] : g[i];
            }
            double[] d = g;
            if (momentum != 0) {
                if (buf[0] == null) {
                    buf[0] = g.clone();
                } else {
                    for (int i = 0; i < w.length; i++) {
                        buf[0][i] = buf[0][i] * momentum + (1 - dampening) * g[i];
                    }
                }
                d = new double[w.length];
                for (int i = 0; i < w.length; i++) {
                    d[i] = nesterov ? g[i] + momentum * buf[0][i] : buf[0][i];
                }
            }
            for (int i = 0; i < w.length; i++) {
                w[i] -= lr * d[i];
            }
        };
    }

    private static Reference adam(double b1, double b2, double eps, double wd, boolean amsgrad, boolean decoupled) {
        double[] m = new double[W0.length];
        double[] v = new double[W0.length];
        double[] vmax = new double[W0.length];
        return (w, g, t, lr) -> {
            double bc1 = 1 - Math.pow(b1, t);
            double bc2 = 1 - Math.pow(b2, t);
            for (int i = 0; i < w.length; i++) {
                double gi = g[i];
                if (decoupled) {
                    w[i] *= 1 - lr * wd;
                } else if (wd != 0) {
                    gi += wd * w[i];
                }
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                vmax[i] = Math.max(vmax[i], v[i]);
                double denom = Math.sqrt(amsgrad ? vmax[i] : v[i]) / Math.sqrt(bc2) + eps;
                w[i] -= lr / bc1 * m[i] / denom;
            }
        };
    }

    private static Reference rmsprop(double alpha, double eps, double wd, double momentum, boolean centered) {
        double[] sq = new double[W0.length];
        double[] ga = new double[W0.length];
        double[] buf = new double[W0.length];
        return (w, g, t, lr) -> {
            for (int i = 0; i < w.length; i++) {
                double gi = wd != 0 ? g[i] + wd * w[i] : g[i];
                sq[i] = alpha * sq[i] + (1 - alpha) * gi * gi;
                double avg;
                if (centered) {
                    ga[i] = alpha * ga[i] + (1 - alpha) * gi;
                    avg = Math.sqrt(sq[i] - ga[i] * ga[i]) + eps;
                } else {
                    avg = Math.sqrt(sq[i]) + eps;
                }
                if (momentum > 0) {
                    buf[i] = momentum * buf[i] + gi / avg;
                    w[i] -= lr * buf[i];
                } else {
                    w[i] -= lr * gi / avg;
                }
            }
        };
    }

    // ---------------------------------------------------------------- cases

    @ParameterizedTest(name = "SGD variants on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void sgd(String backend) {
        compare(backend, "SGD plain", p -> new SGD(p, 0.05), sgd(0, 0, false, 0), List.of());
        compare(backend, "SGD momentum dampening wd", p -> SGD.builder(p).lr(0.05).momentum(0.8).dampening(0.3).weightDecay(0.1).build(),
                sgd(0.8, 0.3, false, 0.1), List.of("momentum_buffer"));
        compare(backend, "SGD nesterov", p -> SGD.builder(p).lr(0.05).momentum(0.9).nesterov(true).build(),
                sgd(0.9, 0, true, 0), List.of("momentum_buffer"));
    }

    @ParameterizedTest(name = "Adam variants on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void adam(String backend) {
        compare(backend, "Adam wd", p -> Adam.builder(p).lr(0.05).betas(0.8, 0.99).eps(1e-6).weightDecay(0.05).build(),
                adam(0.8, 0.99, 1e-6, 0.05, false, false), List.of("exp_avg", "exp_avg_sq"));
        compare(backend, "Adam amsgrad", p -> Adam.builder(p).lr(0.1).amsgrad(true).build(),
                adam(0.9, 0.999, 1e-8, 0, true, false), List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq"));
        compare(backend, "AdamW amsgrad", p -> AdamW.builder(p).lr(0.05).weightDecay(0.2).amsgrad(true).build(),
                adam(0.9, 0.999, 1e-8, 0.2, true, true), List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq"));
    }

    @ParameterizedTest(name = "RMSprop variants on {0}")
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void rmsprop(String backend) {
        compare(backend, "RMSprop plain", p -> new RMSprop(p, 0.01), rmsprop(0.99, 1e-8, 0, 0, false), List.of("square_avg"));
        compare(backend, "RMSprop centered momentum wd",
                p -> RMSprop.builder(p).lr(0.01).alpha(0.9).eps(1e-6).weightDecay(0.1).momentum(0.5).centered(true).build(),
                rmsprop(0.9, 1e-6, 0.1, 0.5, true), List.of("square_avg", "grad_avg", "momentum_buffer"));
    }
}
