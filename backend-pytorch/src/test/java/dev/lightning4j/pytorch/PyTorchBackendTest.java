package dev.lightning4j.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.Backends;
import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.Gradients;
import dev.lightning4j.backend.TensorScope;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Behaviour specific to the PyTorch backend: discovery, offline loading, ownership of native memory. */
@SuppressWarnings("try") // scopes are opened for their effect on ownership
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PyTorchBackendTest {
    private PyTorchBackend backend;

    @BeforeAll
    void create() {
        backend = new PyTorchBackend();
    }

    @AfterAll
    void close() {
        backend.close();
    }

    private Tensor read(Variable v) {
        return Tensor.wrap(backend, v.read());
    }

    @Test
    void loadsOfflineFromTheNativeJar() {
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        Engine engine = Engine.getEngine("PyTorch");
        assertThat(engine.getVersion()).startsWith("2.7.1");
        assertThat(backend.devices()).first().isEqualTo(Device.cpu());
        assertThat(backend.devices()).hasSize(1 + engine.getGpuCount());
    }

    @Test
    void providerIsFoundByName() {
        assertThat(Backends.installed()).containsKey("pytorch");
        try (Backend b = Backends.create("pytorch")) {
            assertThat(b).isInstanceOf(PyTorchBackend.class);
            assertThat(b.name()).isEqualTo("pytorch");
            assertThat(b.tensor(new float[] {1, 2}, 2).add(1).toFloatArray()).containsExactly(2f, 3f);
        }
        try (Backend b = Backends.create(" PyTorch ")) {
            assertThat(b.name()).isEqualTo("pytorch");
        }
    }

    @Test
    void unknownBackendNameListsPytorch() {
        assertThatThrownBy(() -> Backends.create("caffe"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("caffe")
                .hasMessageContaining("pytorch");
    }

    @Test
    void guiceModuleBindsOneBackendPerInjector() {
        Injector injector = Guice.createInjector(new PyTorchModule());
        Backend a = injector.getInstance(Backend.class);
        try {
            assertThat(injector.getInstance(Backend.class)).isSameAs(a);
            Backend other = Guice.createInjector(new PyTorchModule()).getInstance(Backend.class);
            assertThat(other).isNotSameAs(a);
            other.close();
        } finally {
            a.close();
        }
    }

    @Test
    void closingAStepScopeFreesEveryIntermediate() {
        try (Variable w = backend.newVariable("w", HostArray.of(new float[] {1, 2, 3, 4}, 2, 2), true, Device.cpu());
                CompiledStep step = backend.compile("train", Device.cpu(), (ctx, in) -> {
                    Tensor x = in.get("x");
                    Gradients g = ctx.valueAndGrad(
                            () -> x.matmul(read(w)).relu().square().mean().add(read(w).abs().sum().mul(0.1)),
                            List.of(w));
                    Tensor lr = ctx.scalar("lr", DType.FLOAT32, () -> 0.01);
                    w.assign(read(w).sub(g.grads().get(0).mul(lr)).nativeTensor());
                    return Map.of("loss", g.value());
                })) {
            Map<String, HostArray> in = Map.of("x", HostArray.of(new float[] {1, -1, 2, 0.5f}, 2, 2));
            step.run(in); // warm up
            int before = backend.liveArrayCount();
            int variables = backend.variableArrayCount();
            for (int i = 0; i < 5; i++) {
                step.run(in);
            }
            assertThat(backend.liveArrayCount()).as("live arrays after 5 more steps").isEqualTo(before);
            assertThat(backend.variableArrayCount()).as("nothing leaked into the variables' manager")
                    .isEqualTo(variables).isEqualTo(1);
        }
    }

    @Test
    void resultsOfOpsOnVariablesBelongToTheScopeNotTheVariable() {
        try (Variable v = backend.newVariable("v", HostArray.of(new float[] {1, 2}, 2), false, Device.cpu())) {
            int before = backend.liveArrayCount();
            try (TensorScope scope = backend.newScope()) {
                Tensor r = read(v).mul(2).add(read(v));
                assertThat(r.toFloatArray()).containsExactly(3f, 6f);
                assertThat(backend.liveArrayCount()).isGreaterThan(before);
            }
            assertThat(backend.liveArrayCount()).isEqualTo(before);
            assertThat(backend.variableArrayCount()).isEqualTo(1);
        }
    }

    @Test
    void variablesSurviveScopesAndKeepRequiresGrad() {
        try (Variable w = backend.newVariable("w", HostArray.of(new float[] {3}, 1), true, Device.cpu())) {
            TensorScope scope = backend.newScope();
            w.assign(read(w).add(1).nativeTensor());
            scope.close();
            assertThat(w.toHost().toFloatArray()).containsExactly(4f);
            PtVariable pv = (PtVariable) w;
            assertThat(ai.djl.pytorch.jni.JniUtils.requiresGrad(pv.array())).isTrue();
            // read() is borrowed: closing it must not free the variable
            w.read().close();
            Tensor.wrap(backend, w.read()).close();
            assertThat(w.toHost().toFloatArray()).containsExactly(4f);
        }
    }

    @Test
    void tensorsOutsideAnyScopeBelongToTheBackend() {
        int before = backend.liveArrayCount();
        Tensor t = backend.tensor(new float[] {1}, 1).add(1);
        assertThat(backend.liveArrayCount()).isEqualTo(before + 3); // input, scalar 1, result
        t.close();
        assertThat(backend.liveArrayCount()).isEqualTo(before + 2);
    }

    @Test
    void nestedValueAndGradFailsClearly() {
        try (Variable w = backend.newVariable("w", HostArray.of(new float[] {1}, 1), true, Device.cpu());
                CompiledStep step = backend.compile("nested", Device.cpu(), (ctx, in) -> {
                    Gradients g = ctx.valueAndGrad(() -> ctx.valueAndGrad(() -> read(w).sum(), List.of(w)).value(),
                            List.of(w));
                    return Map.of("g", g.grads().get(0));
                })) {
            assertThatThrownBy(() -> step.run(Map.of()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("nested");
            // the failed step left grad mode and the collector usable
            try (CompiledStep ok = backend.compile("ok", Device.cpu(), (ctx, in) ->
                    Map.of("g", ctx.valueAndGrad(() -> read(w).mul(3).sum(), List.of(w)).grads().get(0)))) {
                assertThat(ok.run(Map.of()).get("g").toFloatArray()).containsExactly(3f);
            }
        }
    }

    @Test
    void opsOutsideValueAndGradRecordNoGraph() {
        // y is computed before recording starts, so the loss built from it has no path to w.
        try (Variable w = backend.newVariable("w", HostArray.of(new float[] {1}, 1), true, Device.cpu());
                CompiledStep step = backend.compile("outside", Device.cpu(), (ctx, in) -> {
                    Tensor y = read(w).mul(2);
                    Gradients g = ctx.valueAndGrad(() -> y.square().sum(), List.of(w));
                    return Map.of("g", g.grads().get(0), "loss", g.value());
                })) {
            Map<String, HostArray> out = step.run(Map.of());
            assertThat(out.get("loss").toFloatArray()).containsExactly(4f);
            assertThat(out.get("g").toFloatArray()).containsExactly(0f);
        }
    }

    @Test
    void scalarVariablesAssignAndLoadInPlace() {
        try (Variable step = backend.newVariable("step", HostArray.of(new long[] {0}), false, Device.cpu());
                CompiledStep inc = backend.compile("inc", Device.cpu(), (ctx, in) -> {
                    step.assign(read(step).add(1).nativeTensor());
                    return Map.of("step", read(step));
                })) {
            inc.run(Map.of());
            assertThat(inc.run(Map.of()).get("step").toLongArray()).containsExactly(2L);
            step.load(HostArray.of(new long[] {40}));
            assertThat(inc.run(Map.of()).get("step").toLongArray()).containsExactly(41L);
            assertThat(step.toHost().toLongArray()).containsExactly(41L);
        }
    }

    /** A tensor returned under two names (a loss that is also logged) gives each name its own host array. */
    @Test
    void oneTensorUnderTwoNamesGivesTwoHostArrays() {
        try (CompiledStep step = backend.compile("twice", Device.cpu(), (ctx, in) -> {
            Tensor loss = in.get("x").square().sum();
            return Map.of("loss", loss, "train_loss", loss);
        })) {
            Map<String, HostArray> out = step.run(Map.of("x", HostArray.of(new float[] {1, 2}, 2)));
            assertThat(out.get("loss").item()).isEqualTo(5.0);
            assertThat(out.get("train_loss").item()).isEqualTo(5.0);
            assertThat(out.get("loss")).isNotSameAs(out.get("train_loss"));
            ((HostArray.F32) out.get("loss")).data()[0] = -1;
            assertThat(out.get("train_loss").item()).as("not sharing an array").isEqualTo(5.0);
        }
    }

    @Test
    void oneGradientTakenTwiceInAStepStaysIndependent() {
        try (Variable w = backend.newVariable("w", HostArray.of(new float[] {1, 2}, 2), true, Device.cpu());
                CompiledStep step = backend.compile("accumulate", Device.cpu(), (ctx, in) -> {
                    Gradients a = ctx.valueAndGrad(() -> read(w).sum(), List.of(w));
                    Gradients b = ctx.valueAndGrad(() -> read(w).mul(10).sum(), List.of(w));
                    return Map.of("a", a.grads().get(0), "b", b.grads().get(0), "sum", a.grads().get(0).add(b.grads().get(0)));
                })) {
            Map<String, HostArray> out = step.run(Map.of());
            assertThat(out.get("a").toFloatArray()).containsExactly(1f, 1f);
            assertThat(out.get("b").toFloatArray()).containsExactly(10f, 10f);
            assertThat(out.get("sum").toFloatArray()).containsExactly(11f, 11f);
        }
    }
}
