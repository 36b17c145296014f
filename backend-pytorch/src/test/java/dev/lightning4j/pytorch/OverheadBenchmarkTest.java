package dev.lightning4j.pytorch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.Gradients;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Compares one SGD step of a small MLP through the backend with the same step written against DJL
 * directly. Not part of the normal build: run with {@code -Dbench=true -Dtest=OverheadBenchmarkTest}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class OverheadBenchmarkTest {
    private static final int BATCH = 32;
    private static final int IN = 64;
    private static final int HIDDEN = 64;
    private static final int OUT = 10;
    private static final int STEPS = 1000;

    private static float[] random(Random r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    @Test
    void compare() {
        Random r = new Random(1);
        float[] x = random(r, BATCH * IN, 1);
        float[] w1 = random(r, IN * HIDDEN, 0.1);
        float[] w2 = random(r, HIDDEN * OUT, 0.1);
        for (int round = 0; round < 4; round++) {
            double raw = rawDjl(x, w1, w2);
            double ours = backend(x, w1, w2);
            System.out.printf("round %d: raw DJL %.1f us/step, lightning4j %.1f us/step (%.0f%%)%n", round, raw,
                    ours, 100 * (ours - raw) / raw);
        }
    }

    private static double rawDjl(float[] x, float[] w1, float[] w2) {
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager base = engine.newBaseManager()) {
            NDArray a = base.create(w1, new Shape(IN, HIDDEN));
            NDArray b = base.create(w2, new Shape(HIDDEN, OUT));
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            long start = 0;
            for (int i = 0; i < STEPS * 2; i++) {
                if (i == STEPS) {
                    start = System.nanoTime();
                }
                try (NDManager step = base.newSubManager()) {
                    NDArray xs = step.create(x, new Shape(BATCH, IN));
                    NDArray ga;
                    NDArray gb;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        NDArray h = ai.djl.nn.Activation.relu(xs.matMul(a));
                        NDArray o = h.matMul(b);
                        NDArray l = o.square().mean();
                        gc.backward(l);
                    }
                    ga = a.getGradient();
                    gb = b.getGradient();
                    ga.attach(step);
                    gb.attach(step);
                    NDArray ua = ga.mul(0.01f);
                    NDArray ub = gb.mul(0.01f);
                    a.subi(ua);
                    b.subi(ub);
                    ga.subi(ga); // DJL's collector does not zero: do it as DJL's optimizers expect
                    gb.subi(gb);
                }
            }
            return (System.nanoTime() - start) / 1e3 / STEPS;
        }
    }

    private static double backend(float[] x, float[] w1, float[] w2) {
        try (PyTorchBackend backend = new PyTorchBackend()) {
            Variable a = backend.newVariable("a", HostArray.of(w1, IN, HIDDEN), true, Device.cpu());
            Variable b = backend.newVariable("b", HostArray.of(w2, HIDDEN, OUT), true, Device.cpu());
            CompiledStep step = backend.compile("sgd", Device.cpu(), (ctx, in) -> {
                Tensor xs = in.get("x");
                Tensor ta = Tensor.wrap(backend, a.read());
                Tensor tb = Tensor.wrap(backend, b.read());
                Gradients g = ctx.valueAndGrad(() -> xs.matmul(ta).relu().matmul(tb).square().mean(), List.of(a, b));
                a.assign(ta.sub(g.grads().get(0).mul(0.01)).nativeTensor());
                b.assign(tb.sub(g.grads().get(1).mul(0.01)).nativeTensor());
                return Map.of();
            });
            Map<String, HostArray> in = Map.of("x", HostArray.of(x, BATCH, IN));
            long start = 0;
            for (int i = 0; i < STEPS * 2; i++) {
                if (i == STEPS) {
                    start = System.nanoTime();
                }
                step.run(in);
            }
            return (System.nanoTime() - start) / 1e3 / STEPS;
        }
    }
}
