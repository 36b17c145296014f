package dev.lightning4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.Gradients;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RunMetadata;

/**
 * {@code useJit("xla")} on the real engine: the session is configured for auto-clustering, the
 * executed graph contains XLA clusters that really run, and the numbers match plain TensorFlow.
 */
class XlaCompilationTest {
    private static final int STEPS = 30;
    /** Relative tolerance between the XLA and the plain run's per-step losses. */
    private static final double LOSS_TOLERANCE = 1e-5;

    /** An MLP (matmul, bias, tanh, relu, MSE) trained by SGD inside the step: enough ops to form clusters. */
    private record Mlp(Variable w1, Variable b1, Variable w2, Variable b2, CompiledStep step) implements AutoCloseable {
        @Override
        public void close() {
            step.close();
            w1.close();
            b1.close();
            w2.close();
            b2.close();
        }
    }

    private static Mlp mlp(TensorFlowBackend backend) {
        Generator g = new Generator(5);
        Variable w1 = backend.newVariable("w1", HostArray.of(g.normal(4 * 16, 0, 0.5), 4, 16), true, Device.cpu());
        Variable b1 = backend.newVariable("b1", HostArray.of(new float[16], 16), true, Device.cpu());
        Variable w2 = backend.newVariable("w2", HostArray.of(g.normal(16, 0, 0.5), 16, 1), true, Device.cpu());
        Variable b2 = backend.newVariable("b2", HostArray.of(new float[1], 1), true, Device.cpu());
        List<Variable> params = List.of(w1, b1, w2, b2);
        CompiledStep step = backend.compile("train", Device.cpu(), (ctx, in) -> {
            Tensor lr = ctx.scalar("lr", DType.FLOAT32, () -> 0.05);
            Gradients grads = ctx.valueAndGrad(() -> {
                Tensor h = in.get("x").matmul(read(backend, w1)).add(read(backend, b1)).tanh().relu();
                return h.matmul(read(backend, w2)).add(read(backend, b2)).sub(in.get("y")).square().mean();
            }, params);
            for (int i = 0; i < params.size(); i++) {
                Variable p = params.get(i);
                p.assign(read(backend, p).sub(grads.grads().get(i).mul(lr)).nativeTensor());
            }
            return Map.of("loss", grads.value());
        });
        return new Mlp(w1, b1, w2, b2, step);
    }

    private static Tensor read(TensorFlowBackend backend, Variable v) {
        return Tensor.wrap(backend, v.read());
    }

    private static Map<String, HostArray> batch(int i) {
        Generator g = new Generator(100 + i);
        float[] x = g.normal(32 * 4, 0, 1);
        float[] y = new float[32];
        for (int r = 0; r < 32; r++) {
            y[r] = (float) Math.sin(x[4 * r]) - 0.5f * x[4 * r + 1] * x[4 * r + 2];
        }
        return Map.of("x", HostArray.of(x, 32, 4), "y", HostArray.of(y, 32, 1));
    }

    /** Trains STEPS steps; the first run is instrumented and its metadata returned through {@code first}. */
    private static List<Double> train(TensorFlowBackend backend, RunMetadata[] first) {
        List<Double> losses = new ArrayList<>();
        try (Mlp m = mlp(backend)) {
            TfCompiledStep step = (TfCompiledStep) m.step();
            first[0] = step.runWithMetadata(batch(0));
            for (int i = 1; i < STEPS; i++) {
                losses.add(step.run(batch(i)).get("loss").item());
            }
        }
        return losses;
    }

    @Test
    void xlaClustersAreBuiltAndRunAndLossesMatchPlainTensorFlow() {
        RunMetadata[] plainMeta = new RunMetadata[1];
        RunMetadata[] xlaMeta = new RunMetadata[1];
        List<Double> plain;
        List<Double> xla;
        try (TensorFlowBackend b = new TensorFlowBackend()) {
            plain = train(b, plainMeta);
            assertThat(b.xlaLaunches()).isEmpty();
        }
        try (TensorFlowBackend b = new TensorFlowBackend()) {
            b.useJit("xla");
            assertThat(b.jitMode()).isEqualTo("xla");
            OptimizerOptions opt = b.sessionConfig().getGraphOptions().getOptimizerOptions();
            assertThat(opt.getGlobalJitLevel()).isEqualTo(OptimizerOptions.GlobalJitLevel.ON_1);
            xla = train(b, xlaMeta);
            // The Trainer-facing diagnostic saw the same thing on the first run of the trace.
            assertThat(b.xlaLaunches()).containsKey("train");
            assertThat(b.xlaLaunches().get("train")).isNotEmpty();
        }
        // Plain TensorFlow executes no XLA op; the XLA session executes compiled clusters.
        assertThat(XlaDiagnostics.xlaNodes(plainMeta[0])).isEmpty();
        List<String> xlaNodes = XlaDiagnostics.xlaNodes(xlaMeta[0]);
        System.out.println("[xla] partition-graph XLA nodes: " + xlaNodes);
        System.out.println("[xla] executed launches: " + XlaDiagnostics.executedLaunches(xlaMeta[0]));
        assertThat(xlaNodes).anyMatch(n -> n.contains("(_XlaCompile)") || n.contains("(XlaLaunch)"));
        assertThat(XlaDiagnostics.executedLaunches(xlaMeta[0])).isNotEmpty();

        assertThat(xla).hasSameSizeAs(plain);
        double maxRel = 0;
        for (int i = 0; i < plain.size(); i++) {
            double rel = Math.abs(xla.get(i) - plain.get(i)) / Math.max(Math.abs(plain.get(i)), 1e-6);
            maxRel = Math.max(maxRel, rel);
            assertThat(rel).as("step %d: xla %s vs plain %s", i + 1, xla.get(i), plain.get(i)).isLessThanOrEqualTo(LOSS_TOLERANCE);
        }
        System.out.printf("[xla] %d steps, max relative loss difference %.2e%n", plain.size(), maxRel);
        assertThat(plain.get(plain.size() - 1)).isLessThan(plain.get(0));
    }

    @Test
    void switchingAfterVariablesExistIsRefused() {
        try (TensorFlowBackend b = new TensorFlowBackend();
                Variable v = b.newVariable("v", HostArray.of(new float[] {1}, 1), true, Device.cpu())) {
            assertThatThrownBy(() -> b.useJit("xla"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already holds 1 variable")
                    .hasMessageContaining("before creating variables");
            assertThat(b.jitMode()).isEqualTo("none");
            assertThat(v.toHost().item()).isEqualTo(1.0); // the session and its values are untouched
        }
    }

    @Test
    void anUnknownModeIsNamed() {
        try (TensorFlowBackend b = new TensorFlowBackend()) {
            assertThatThrownBy(() -> b.useJit("tvm"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown JIT mode 'tvm'")
                    .hasMessageContaining("xla");
        }
    }
}
