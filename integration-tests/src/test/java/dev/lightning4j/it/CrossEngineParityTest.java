package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Lightning;
import dev.lightning4j.core.Log;
import dev.lightning4j.core.Optimization;
import dev.lightning4j.data.Batch;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.LightningDataModule;
import dev.lightning4j.data.TensorDataset;
import dev.lightning4j.nn.Conv2d;
import dev.lightning4j.nn.Flatten;
import dev.lightning4j.nn.Linear;
import dev.lightning4j.nn.MaxPool2d;
import dev.lightning4j.nn.ReLU;
import dev.lightning4j.nn.Sequential;
import dev.lightning4j.nn.Tanh;
import dev.lightning4j.nn.functional.F;
import dev.lightning4j.optim.Adam;
import dev.lightning4j.optim.AdamW;
import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.optim.SGD;
import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import dev.lightning4j.testkit.EngineParity;
import dev.lightning4j.trainer.Trainer;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The zoo: the same modules trained 50 steps from the same seed and data order on PyTorch and on
 * TensorFlow. Tolerances (see EngineParity): per-step losses within a relative 1e-4, final weights
 * within 1e-3; fit/validate/test/predict metrics within 1e-4.
 */
class CrossEngineParityTest {

    /** A network for regression (MSE) or 3-class classification (cross-entropy); by default an MLP. */
    static final class ZooModule extends LightningModule {
        private final Sequential net;
        private final boolean classify;
        private final Function<List<dev.lightning4j.nn.Parameter>, Optimizer> optimizer;

        ZooModule(boolean classify, Function<List<dev.lightning4j.nn.Parameter>, Optimizer> optimizer) {
            this(new Sequential(new Linear(4, 32), new ReLU(), new Linear(32, 16), new Tanh(), new Linear(16, classify ? 3 : 1)),
                    classify, optimizer);
        }

        ZooModule(Sequential net, boolean classify, Function<List<dev.lightning4j.nn.Parameter>, Optimizer> optimizer) {
            this.classify = classify;
            this.optimizer = optimizer;
            this.net = register("net", net);
        }

        @Override
        public Tensor forward(Tensor x) {
            return net.forward(x);
        }

        private Tensor loss(Batch b) {
            Tensor out = forward(b.input());
            return classify ? F.crossEntropy(out, b.target()) : F.mseLoss(out, b.target());
        }

        @Override
        public Tensor trainingStep(Batch batch, int batchIdx) {
            Tensor loss = loss(batch);
            log("train_loss", loss, Log.progBar());
            return loss;
        }

        @Override
        public void validationStep(Batch batch, int batchIdx) {
            log("val_loss", loss(batch));
        }

        @Override
        public void testStep(Batch batch, int batchIdx) {
            log("test_loss", loss(batch));
        }

        @Override
        public Optimization configureOptimizers() {
            return Optimization.of(optimizer.apply(parameters()));
        }
    }

    static TensorDataset data(boolean classify, int n, long seed) {
        Generator g = new Generator(seed);
        float[] x = g.normal(n * 4, 0, 1);
        if (classify) {
            long[] y = new long[n];
            for (int i = 0; i < n; i++) {
                double s = x[4 * i] + 0.5 * x[4 * i + 1] - x[4 * i + 2];
                y[i] = s < -0.5 ? 0 : s < 0.5 ? 1 : 2;
            }
            return TensorDataset.of(HostArray.of(x, n, 4), HostArray.of(y, n));
        }
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = (float) (Math.sin(x[4 * i]) + 0.3 * x[4 * i + 1] * x[4 * i + 2] - 0.2 * x[4 * i + 3]);
        }
        return TensorDataset.of(HostArray.of(x, n, 4), HostArray.of(y, n, 1));
    }

    static LightningDataModule dataModule(boolean classify) {
        TensorDataset train = data(classify, 256, 11);
        TensorDataset val = data(classify, 96, 12);
        return LightningDataModule.of(DataLoader.builder(train).batchSize(32).shuffle(true).build(),
                DataLoader.builder(val).batchSize(32).build(), DataLoader.builder(val).batchSize(40).build(),
                DataLoader.builder(TensorDataset.of(val.fields().get("input"))).batchSize(40).build());
    }

    static Stream<Arguments> zoo() {
        Map<String, Function<List<dev.lightning4j.nn.Parameter>, Optimizer>> optimizers = Map.of(
                "sgd_momentum", p -> SGD.builder(p).lr(0.05).momentum(0.9).build(),
                "adam", p -> new Adam(p, 3e-3),
                "adamw", p -> new AdamW(p, 3e-3));
        return Stream.of(true, false).flatMap(classify -> optimizers.entrySet().stream()
                .map(e -> Arguments.of((classify ? "mlp_classification_" : "mlp_regression_") + e.getKey(), classify, e.getValue())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zoo")
    void fiftyStepsAgreeAcrossEngines(String name, boolean classify, Function<List<dev.lightning4j.nn.Parameter>, Optimizer> opt) {
        EngineParity.Report report = EngineParity.of(() -> new ZooModule(classify, opt), () -> dataModule(classify))
                .backends("pytorch", "tensorflow").steps(50).lossTolerance(1e-4).weightTolerance(1e-3)
                .assertParity();
        assertThat(report.runs()).hasSize(2);
        assertThat(report.runs().get(0).losses()).hasSize(50);
        // The loss really moved: parity of a model that does not train would prove little.
        List<Double> losses = report.runs().get(0).losses();
        assertThat(losses.get(49)).isLessThan(losses.get(0));
        System.out.printf("[parity] %s: max loss error %.2e, max weight error %.2e%n", name,
                report.maxLossError(), report.maxWeightError());
    }

    /**
     * A small CNN classifier: on TensorFlow its conv kernels, their optimizer slots and gradient
     * accumulators are stored in the filter layout (HWIO) behind their torch-layout shape, which
     * this exercises through AdamW's decay, SGD's momentum (not a fused kernel) and accumulation
     * over 2 batches.
     */
    static ZooModule smallCnn(Function<List<dev.lightning4j.nn.Parameter>, Optimizer> optimizer) {
        return new ZooModule(new Sequential(new Conv2d(1, 4, 3, 1, 1), new ReLU(), new MaxPool2d(2), new Conv2d(4, 6, 3, 1, 1),
                new ReLU(), new Flatten(), new Linear(6 * 4 * 4, 3)), true, optimizer);
    }

    static LightningDataModule images() {
        int n = 96;
        Generator g = new Generator(21);
        float[] x = g.normal(n * 8 * 8, 0, 1);
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            // The class depends on where the image is bright, so the convs have something to learn.
            double top = 0;
            double left = 0;
            for (int r = 0; r < 8; r++) {
                for (int c = 0; c < 8; c++) {
                    float v = x[i * 64 + r * 8 + c];
                    top += r < 4 ? v : -v;
                    left += c < 4 ? v : -v;
                }
            }
            y[i] = top > 2 ? 0 : left > 0 ? 1 : 2;
        }
        TensorDataset train = TensorDataset.of(HostArray.of(x, n, 1, 8, 8), HostArray.of(y, n));
        return LightningDataModule.of(DataLoader.builder(train).batchSize(16).shuffle(true).build(), null, null, null);
    }

    static Stream<Arguments> cnnOptimizers() {
        return Stream.of(
                Arguments.of("adamw", (Function<List<dev.lightning4j.nn.Parameter>, Optimizer>) p -> new AdamW(p, 3e-3)),
                Arguments.of("sgd_momentum", (Function<List<dev.lightning4j.nn.Parameter>, Optimizer>)
                        p -> SGD.builder(p).lr(0.05).momentum(0.9).build()));
    }

    @ParameterizedTest(name = "cnn_{0}")
    @MethodSource("cnnOptimizers")
    void aCnnWithAccumulationAgreesAcrossEngines(String name, Function<List<dev.lightning4j.nn.Parameter>, Optimizer> opt) {
        EngineParity.Report report = EngineParity.of(() -> smallCnn(opt), CrossEngineParityTest::images)
                .backends("pytorch", "tensorflow").steps(12).lossTolerance(1e-4).weightTolerance(1e-3)
                .trainer(b -> b.accumulateGradBatches(2))
                .assertParity();
        // 12 optimizer steps of 2 batches: 4 epochs of 6 batches, one loss per batch.
        List<Double> losses = report.runs().get(0).losses();
        assertThat(losses).hasSize(24);
        double first = losses.subList(0, 6).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(18, 24).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(last).as("the last epoch's mean loss").isLessThan(first);
        System.out.printf("[parity] cnn_%s: max loss error %.2e, max weight error %.2e%n", name,
                report.maxLossError(), report.maxWeightError());
    }

    private record Results(Map<String, Double> fitMetrics, Map<String, Double> validated, Map<String, Double> tested,
                           List<HostArray> predictions) {
    }

    private static Results everyEntryPoint(String backend) {
        Lightning.seedEverything(3);
        ZooModule m = new ZooModule(true, p -> new Adam(p, 3e-3));
        LightningDataModule dm = dataModule(true);
        try (Trainer t = Trainer.builder().backend(backend).maxEpochs(3).seed(3).enableSummary(false)
                .enableLogger(false).enableCheckpointing(false).build()) {
            t.fit(m, dm);
            Map<String, Double> fit = Map.copyOf(t.callbackMetrics());
            return new Results(fit, t.validate(m, dm), t.test(m, dm), t.predict(m, dm));
        }
    }

    @Test
    void fitValidateTestAndPredictReturnTheSameOnBothEngines() {
        Results pt = everyEntryPoint("pytorch");
        Results tf = everyEntryPoint("tensorflow");
        assertThat(tf.fitMetrics().keySet()).isEqualTo(pt.fitMetrics().keySet());
        pt.fitMetrics().forEach((k, v) -> assertThat(tf.fitMetrics().get(k)).as(k).isCloseTo(v, within(1e-4 * Math.max(1, Math.abs(v)))));
        pt.validated().forEach((k, v) -> assertThat(tf.validated().get(k)).as(k).isCloseTo(v, within(1e-4 * Math.max(1, Math.abs(v)))));
        pt.tested().forEach((k, v) -> assertThat(tf.tested().get(k)).as(k).isCloseTo(v, within(1e-4 * Math.max(1, Math.abs(v)))));
        assertThat(tf.predictions()).hasSameSizeAs(pt.predictions());
        for (int b = 0; b < pt.predictions().size(); b++) {
            float[] p = pt.predictions().get(b).toFloatArray();
            float[] q = tf.predictions().get(b).toFloatArray();
            assertThat(q).hasSameSizeAs(p);
            for (int i = 0; i < p.length; i++) {
                assertThat((double) q[i]).isCloseTo(p[i], within(1e-4 * Math.max(1, Math.abs(p[i]))));
            }
        }
    }
}
