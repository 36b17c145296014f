package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.Backends;
import dev.lightning4j.backend.DeterminismControl;
import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.core.Lightning;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Log;
import dev.lightning4j.core.Optimization;
import dev.lightning4j.data.Batch;
import dev.lightning4j.nn.Dropout;
import dev.lightning4j.nn.Linear;
import dev.lightning4j.nn.ReLU;
import dev.lightning4j.nn.Sequential;
import dev.lightning4j.nn.functional.F;
import dev.lightning4j.optim.Adam;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import dev.lightning4j.tensorflow.TensorFlowBackend;
import dev.lightning4j.testkit.ForEachBackend;
import dev.lightning4j.trainer.Trainer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The Trainer options that need an optional engine feature: {@code compile("xla")}
 * ({@link dev.lightning4j.backend.JitCompilation}) and {@code deterministic(true)}
 * ({@link DeterminismControl}), on the real engines.
 */
class EngineOptionsTest {
    private static final int STEPS = 40;
    /** Relative tolerance between per-step losses of the XLA-compiled and the plain TensorFlow fit. */
    private static final double XLA_LOSS_TOLERANCE = 1e-5;

    private record Run(List<Double> losses, Map<String, HostArray> weights, Map<String, List<String>> xlaLaunches) {
    }

    /** Fits the 3-class MLP of the parity zoo (cross-entropy, Adam) for STEPS steps on the given engine. */
    private static Run fitZoo(String backend, Consumer<Trainer.Builder> options) {
        Lightning.seedEverything(9);
        CrossEngineParityTest.ZooModule model = new CrossEngineParityTest.ZooModule(true, p -> new Adam(p, 3e-3));
        List<Double> losses = new ArrayList<>();
        Callback recorder = new Callback() {
            @Override
            public void onBeforeBackward(Trainer trainer, LightningModule module, double loss) {
                losses.add(loss);
            }
        };
        Trainer.Builder b = Trainer.builder().backend(backend).maxSteps(STEPS).seed(9).enableSummary(false)
                .enableLogger(false).enableCheckpointing(false).callbacks(recorder);
        options.accept(b);
        Map<String, List<String>> launches;
        try (Trainer trainer = b.build()) {
            trainer.fit(model, CrossEngineParityTest.dataModule(true));
            launches = trainer.backend() instanceof TensorFlowBackend tf ? tf.xlaLaunches() : Map.of();
        }
        return new Run(losses, model.stateDict(), launches);
    }

    @Test
    void compileXlaOnTensorFlowCompilesAndMatchesThePlainRun() {
        Run plain = fitZoo("tensorflow", b -> { });
        Run xla = fitZoo("tensorflow", b -> b.compile("xla"));

        // The signal that XLA really ran: the training step's first run executed _XlaRun cluster launches.
        assertThat(plain.xlaLaunches()).isEmpty();
        assertThat(xla.xlaLaunches()).containsKey("train");
        assertThat(xla.xlaLaunches().get("train")).isNotEmpty().allMatch(n -> n.contains("_XlaRun") || n.contains("XlaLaunch"));
        System.out.println("[xla] executed cluster launches by step: " + xla.xlaLaunches());

        assertThat(plain.losses()).hasSize(STEPS);
        assertThat(xla.losses()).hasSize(STEPS);
        double maxRel = 0;
        for (int i = 0; i < STEPS; i++) {
            double want = plain.losses().get(i);
            double rel = Math.abs(xla.losses().get(i) - want) / Math.max(Math.abs(want), 1e-6);
            maxRel = Math.max(maxRel, rel);
            assertThat(rel).as("step %d loss: xla %s vs plain %s", i, xla.losses().get(i), want)
                    .isLessThanOrEqualTo(XLA_LOSS_TOLERANCE);
        }
        System.out.printf("[xla] %d steps, max relative loss difference %.2e%n", STEPS, maxRel);
        assertThat(plain.losses().get(STEPS - 1)).isLessThan(plain.losses().get(0)); // it really trained
    }

    @Test
    void compileXlaOnPyTorchFailsBeforeTrainingAndNamesWhoOffersIt() {
        assertThatThrownBy(() -> Trainer.builder().backend("pytorch").compile("xla").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trainer.compile = xla is not supported by backend 'pytorch'")
                .hasMessageContaining("JitCompilation")
                .hasMessageContaining("tensorflow (xla)");
    }

    @Test
    void anUnknownCompileModeIsRejected() {
        assertThatThrownBy(() -> Trainer.builder().backend("tensorflow").compile("tvm").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trainer.compile = tvm is invalid; expected one of none, xla");
        assertThat(Trainer.builder().compile("XLA").config().compile()).isEqualTo("xla");
        assertThat(Trainer.builder().config().compile()).isEqualTo("none");
    }

    /** A small MLP with dropout, so that determinism also covers the engine's seeded random masks. */
    static final class DropoutMlp extends LightningModule {
        private final Sequential net = register("net", new Sequential(new Linear(4, 32), new ReLU(), new Dropout(0.2),
                new Linear(32, 3)));

        @Override
        public Tensor forward(Tensor x) {
            return net.forward(x);
        }

        @Override
        public Tensor trainingStep(Batch batch, int batchIdx) {
            Tensor loss = F.crossEntropy(forward(batch.input()), batch.target());
            log("train_loss", loss, Log.progBar());
            return loss;
        }

        @Override
        public Optimization configureOptimizers() {
            return Optimization.of(new Adam(parameters(), 3e-3));
        }
    }

    private static Map<String, HostArray> deterministicFit(String backend) {
        Lightning.seedEverything(21);
        DropoutMlp model = new DropoutMlp();
        try (Trainer trainer = Trainer.builder().backend(backend).deterministic(true).maxSteps(30).seed(21)
                .enableSummary(false).enableLogger(false).enableCheckpointing(false).build()) {
            assertThat(trainer.backend()).isInstanceOf(DeterminismControl.class);
            assertThat(((DeterminismControl) trainer.backend()).isDeterministic()).isTrue();
            trainer.fit(model, CrossEngineParityTest.dataModule(true).trainDataLoader(), null);
        }
        return model.stateDict();
    }

    @ForEachBackend
    void aDeterministicRunRepeatsBitForBit(String backend) {
        Map<String, HostArray> first = deterministicFit(backend);
        Map<String, HostArray> second = deterministicFit(backend);
        assertThat(second.keySet()).isEqualTo(first.keySet());
        first.forEach((name, w) -> {
            float[] a = w.toFloatArray();
            float[] b = second.get(name).toFloatArray();
            assertThat(b).hasSameSizeAs(a);
            for (int i = 0; i < a.length; i++) {
                assertThat(Float.floatToRawIntBits(b[i])).as("%s[%d] on %s", name, i, backend)
                        .isEqualTo(Float.floatToRawIntBits(a[i]));
            }
        });
    }

    @Test
    void deterministicOnABackendWithoutTheFeatureFailsClearly() {
        // A backend that implements only the core SPI: a proxy in front of the real PyTorch backend.
        Backend real = Backends.create("pytorch");
        Backend bare = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        assertThatThrownBy(() -> Trainer.builder().backend("pytorch").deterministic(true)
                .modules(binder -> binder.bind(Backend.class).toInstance(bare)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trainer.deterministic = true is not supported by backend 'pytorch'")
                .hasMessageContaining("DeterminismControl");
        // The failed Trainer closed the backend it would have owned.
        assertThatThrownBy(() -> real.newScope().close()).isInstanceOf(IllegalStateException.class);
    }
}
