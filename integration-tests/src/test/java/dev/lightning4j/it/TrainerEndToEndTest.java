package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lightning4j.core.Lightning;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.LightningDataModule;
import dev.lightning4j.data.TensorDataset;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.testkit.ForEachBackend;
import dev.lightning4j.trainer.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** fit, validate, test and predict of one user module, on every engine. */
class TrainerEndToEndTest {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path logs;


    private static LightningDataModule data() {
        TensorDataset train = Synthetic.linear(512, 0.05, 1);
        TensorDataset val = Synthetic.linear(128, 0.05, 2);
        return LightningDataModule.of(
                DataLoader.builder(train).batchSize(32).shuffle(true).build(),
                DataLoader.builder(val).batchSize(50).build(),
                DataLoader.builder(val).batchSize(50).build(),
                DataLoader.builder(TensorDataset.of(val.fields().get("input"))).batchSize(50).build());
    }

    @ForEachBackend
    void fitConvergesAndEvaluationMatchesPrediction(String backend) {
        Lightning.seedEverything(7);
        LinearRegressionModule model = new LinearRegressionModule(3, 16, 0.05);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        LightningDataModule dm = data();
        try (Trainer trainer = Trainer.builder().backend(backend).defaultRootDir(logs).maxEpochs(8).seed(3)
                .console(new PrintStream(console, true, StandardCharsets.UTF_8)).build()) {
            trainer.fit(model, dm);

            assertThat(trainer.currentEpoch()).isEqualTo(8);
            assertThat(trainer.globalStep()).isEqualTo(8 * 16);
            // Noise variance is 0.0025; the target's variance is about 4.4. Converged means close to the noise.
            assertThat(trainer.callbackMetrics().get("val_loss")).isLessThan(0.02);
            assertThat(trainer.callbackMetrics()).containsKey("train_loss");
            String printed = console.toString(StandardCharsets.UTF_8);
            assertThat(printed).contains("Epoch 1/8").contains("Epoch 8/8").contains("val_loss");

            Map<String, Double> validated = trainer.validate(model, dm);
            assertThat(validated.get("val_loss")).isCloseTo(trainer.callbackMetrics().get("val_loss"), within(1e-6));

            Map<String, Double> tested = trainer.test(model, dm);
            List<HostArray> predictions = trainer.predict(model, dm);
            assertThat(predictions).hasSize(3);
            assertThat(predictions.get(0).shape().dims()).containsExactly(50, 1);
            assertThat(predictions.get(2).shape().dims()).containsExactly(28, 1);

            // The test MAE must equal the MAE computed on the host from the predictions.
            float[] target = Synthetic.linear(128, 0.05, 2).fields().get("target").toFloatArray();
            double absErr = 0;
            int i = 0;
            for (HostArray p : predictions) {
                for (float v : p.toFloatArray()) {
                    absErr += Math.abs(v - target[i++]);
                }
            }
            assertThat(tested.get("test_mae")).isCloseTo(absErr / 128, within(1e-5));
        }
        // After close the weights are back on the host and still usable.
        assertThat(model.stateDict()).containsKeys("net.0.weight", "net.0.bias", "net.2.weight", "net.2.bias");
    }

    @ForEachBackend
    void maxStepsAndBatchLimitsAreHonoured(String backend) {
        Lightning.seedEverything(1);
        LinearRegressionModule model = new LinearRegressionModule(3, 0, 0.01);
        try (Trainer trainer = Trainer.builder().backend(backend).defaultRootDir(logs).maxSteps(10).limitTrainBatches(4)
                .limitValBatches(1).enableSummary(false).build()) {
            trainer.fit(model, data());
            assertThat(trainer.globalStep()).isEqualTo(10);
            assertThat(trainer.currentEpoch()).isEqualTo(3); // 4 + 4 + 2 steps
        }
    }

    @ForEachBackend
    void theSameSeedGivesTheSameRun(String backend) {
        double[] finals = new double[2];
        for (int run = 0; run < 2; run++) {
            Lightning.seedEverything(11);
            LinearRegressionModule model = new LinearRegressionModule(3, 8, 0.05);
            try (Trainer trainer = Trainer.builder().backend(backend).defaultRootDir(logs).maxEpochs(2).seed(5).enableSummary(false).build()) {
                trainer.fit(model, data());
                finals[run] = trainer.callbackMetrics().get("val_loss");
            }
        }
        assertThat(finals[1]).isEqualTo(finals[0]);
    }

    @ForEachBackend
    void aMissingLoaderIsNamed(String backend) {
        LinearRegressionModule model = new LinearRegressionModule(3, 0, 0.01);
        LightningDataModule empty = new LightningDataModule() { };
        try (Trainer trainer = Trainer.builder().backend(backend).defaultRootDir(logs).maxEpochs(1).build()) {
            assertThatThrownBy(() -> trainer.fit(model, empty))
                    .hasMessageContaining("trainDataLoader() returned null");
        }
    }

    @ForEachBackend
    void aNullModelIsNamed(String backend) {
        DataLoader loader = DataLoader.builder(TensorDataset.of(HostArray.of(new float[] {1, 2}, 2, 1),
                HostArray.of(new float[] {1, 2}, 2, 1))).batchSize(2).build();
        try (Trainer trainer = Trainer.builder().backend(backend).defaultRootDir(logs).maxEpochs(1).build()) {
            assertThatThrownBy(() -> trainer.fit(null, loader, null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("Trainer: the LightningModule to fit is null");
        }
    }

    @org.junit.jupiter.api.Test
    void anUnknownBackendListsTheInstalledOnes() {
        assertThatThrownBy(() -> Trainer.builder().backend("jax").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown backend 'jax'")
                .hasMessageContaining("pytorch")
                .hasMessageContaining("tensorflow");
    }
}
