package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.callbacks.ModelCheckpoint;
import dev.lightning4j.checkpoint.CheckpointIO;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Lightning;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.loops.NonFiniteValueException;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.testkit.ForEachBackend;
import dev.lightning4j.trainer.Trainer;
import dev.lightning4j.trainer.TrainerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The loop options of Lightning's Trainer, on every engine. */
class LoopFeaturesTest {
    @TempDir
    Path dir;

    /** Counts validation runs (not the sanity check) and records the batches each stage saw. */
    private static final class Recorder implements Callback {
        int validations;
        final List<float[]> trainTargets = new ArrayList<>();
        final List<float[]> valTargets = new ArrayList<>();

        @Override
        public void onValidationEnd(Trainer t, LightningModule m) {
            if (!t.state().sanityChecking()) {
                validations++;
            }
        }

        @Override
        public void onTrainBatchStart(Trainer t, LightningModule m, HostBatch b, int i) {
            trainTargets.add(b.fields().get("target").toFloatArray());
        }

        @Override
        public void onValidationBatchStart(Trainer t, LightningModule m, HostBatch b, int i) {
            if (!t.state().sanityChecking()) {
                valTargets.add(b.fields().get("target").toFloatArray());
            }
        }
    }

    private Trainer.Builder quiet(String backend) {
        return Trainer.builder().backend(backend).seed(1).enableSummary(false).defaultRootDir(dir)
                .enableLogger(false).enableCheckpointing(false).numSanityValSteps(0);
    }

    private static DataLoader loader(int n, int batch, boolean shuffle, long seed) {
        return DataLoader.builder(Synthetic.linear(n, 0.1, seed)).batchSize(batch).shuffle(shuffle).build();
    }

    @ForEachBackend
    void valCheckIntervalAndCheckValEveryNEpoch(String backend) {
        Recorder half = new Recorder();
        try (Trainer t = quiet(backend).maxEpochs(2).valCheckInterval(0.5).callbacks(half).build()) {
            t.fit(new LinearRegressionModule(3, 0, 0.01), loader(64, 16, true, 1), loader(16, 8, false, 2));
        }
        assertThat(half.validations).isEqualTo(4);

        Recorder everyThree = new Recorder();
        try (Trainer t = quiet(backend).maxEpochs(1).valCheckInterval(3).callbacks(everyThree).build()) {
            t.fit(new LinearRegressionModule(3, 0, 0.01), loader(96, 16, true, 1), loader(16, 8, false, 2));
        }
        assertThat(everyThree.validations).isEqualTo(2);

        Recorder everyOther = new Recorder();
        try (Trainer t = quiet(backend).maxEpochs(4).checkValEveryNEpoch(2).callbacks(everyOther).build()) {
            t.fit(new LinearRegressionModule(3, 0, 0.01), loader(32, 16, true, 1), loader(16, 8, false, 2));
        }
        assertThat(everyOther.validations).isEqualTo(2);
    }

    @ForEachBackend
    void fastDevRunRunsNBatchesOnceAndWritesNothing(String backend) throws IOException {
        Recorder r = new Recorder();
        try (Trainer t = Trainer.builder().backend(backend).fastDevRun(2).enableSummary(false).defaultRootDir(dir)
                .callbacks(r).build()) {
            t.fit(new LinearRegressionModule(3, 0, 0.01), loader(64, 8, true, 1), loader(64, 8, false, 2));
            assertThat(t.globalStep()).isEqualTo(2);
            assertThat(t.currentEpoch()).isEqualTo(1);
        }
        assertThat(r.trainTargets).hasSize(2);
        assertThat(r.valTargets).hasSize(2);
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).as("no logs or checkpoints under fastDevRun").isEmpty();
        }
    }

    @ForEachBackend
    void overfitBatchesTrainsAndValidatesOnTheSameFixedBatches(String backend) {
        Recorder r = new Recorder();
        try (Trainer t = quiet(backend).maxEpochs(3).overfitBatches(2).callbacks(r).build()) {
            t.fit(new LinearRegressionModule(3, 0, 0.01), loader(64, 8, true, 1), loader(64, 8, false, 2));
            assertThat(t.globalStep()).isEqualTo(6);
        }
        assertThat(r.trainTargets).hasSize(6);
        assertThat(r.trainTargets.get(0)).isEqualTo(r.trainTargets.get(2)).isEqualTo(r.trainTargets.get(4));
        assertThat(r.valTargets.get(0)).isEqualTo(r.trainTargets.get(0));
        assertThat(r.valTargets.get(1)).isEqualTo(r.trainTargets.get(1));
    }

    private Map<String, HostArray> plainSgd(String backend, int batch, int accumulate, int steps) {
        Lightning.seedEverything(5);
        LinearRegressionModule m = new LinearRegressionModule(3, 8, 0.1) {
            @Override
            public dev.lightning4j.core.Optimization configureOptimizers() {
                return dev.lightning4j.core.Optimization.of(new dev.lightning4j.optim.SGD(parameters(), 0.1));
            }
        };
        try (Trainer t = quiet(backend).maxSteps(steps).accumulateGradBatches(accumulate).build()) {
            t.fit(m, loader(64, batch, false, 3), null);
            assertThat(t.globalStep()).isEqualTo(steps);
        }
        return m.stateDict();
    }

    /**
     * Gathering batches ahead on a thread changes nothing but timing: the same weights bit for bit,
     * with a validation loader that also prefetches, and with training stopped mid-epoch, after which
     * no gathering thread is left running.
     */
    @ForEachBackend
    void prefetchingTrainsTheSameWeightsAndLeavesNoThreadBehind(String backend) throws InterruptedException {
        java.util.function.IntFunction<Map<String, HostArray>> fit = prefetch -> {
            Lightning.seedEverything(5);
            LinearRegressionModule m = new LinearRegressionModule(3, 8, 0.1);
            DataLoader train = DataLoader.builder(Synthetic.linear(96, 0.1, 3)).batchSize(8).shuffle(true).prefetch(prefetch).build();
            DataLoader val = DataLoader.builder(Synthetic.linear(32, 0.1, 4)).batchSize(8).prefetch(prefetch).build();
            try (Trainer t = quiet(backend).maxSteps(17).valCheckInterval(5).build()) { // 12 batches an epoch: stops mid-epoch
                t.fit(m, train, val);
                assertThat(t.globalStep()).isEqualTo(17);
            }
            return m.stateDict();
        };
        Map<String, HostArray> plain = fit.apply(0);
        Map<String, HostArray> ahead = fit.apply(2);
        plain.forEach((k, v) -> assertThat(ahead.get(k).toFloatArray()).as(k).containsExactly(v.toFloatArray()));
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("lightning4j-prefetch")) {
                t.join(5000);
                assertThat(t.isAlive()).as("a prefetch thread still running after fit").isFalse();
            }
        }
    }

    @ForEachBackend
    void accumulatingTwoBatchesEqualsOneBatchOfTwiceTheSize(String backend) {
        Map<String, HostArray> accumulated = plainSgd(backend, 16, 2, 6);
        Map<String, HostArray> large = plainSgd(backend, 32, 1, 6);
        accumulated.forEach((k, v) -> {
            float[] a = v.toFloatArray();
            float[] b = large.get(k).toFloatArray();
            for (int i = 0; i < a.length; i++) {
                // Float sums in a different order: a few ulps.
                assertThat((double) a[i]).as(k).isCloseTo(b[i], within(1e-5));
            }
        });
    }

    @ForEachBackend
    void clippingByValueBoundsEachUpdate(String backend) {
        Lightning.seedEverything(5);
        LinearRegressionModule m = new LinearRegressionModule(3, 0, 1.0) {
            @Override
            public dev.lightning4j.core.Optimization configureOptimizers() {
                return dev.lightning4j.core.Optimization.of(new dev.lightning4j.optim.SGD(parameters(), 1.0));
            }
        };
        float[] before = m.stateDict().get("net.0.weight").toFloatArray();
        try (Trainer t = quiet(backend).maxSteps(1).gradientClipVal(1e-3)
                .gradientClipAlgorithm(TrainerConfig.ClipAlgorithm.VALUE).build()) {
            t.fit(m, loader(32, 32, false, 3), null);
        }
        float[] after = m.stateDict().get("net.0.weight").toFloatArray();
        for (int i = 0; i < before.length; i++) {
            assertThat((double) Math.abs(after[i] - before[i])).isLessThanOrEqualTo(1e-3 + 1e-7).isGreaterThan(0);
        }
    }

    @ForEachBackend
    void aDivergingRunStopsNamingTheStepAndKeepsTheLastGoodCheckpoint(String backend) {
        Lightning.seedEverything(5);
        LinearRegressionModule m = new LinearRegressionModule(3, 8, 50.0);
        Path ckpts = dir.resolve("ckpts");
        try (Trainer t = Trainer.builder().backend(backend).maxEpochs(50).seed(1).enableSummary(false)
                .enableLogger(false).callbacks(new ModelCheckpoint().dirpath(ckpts).everyNTrainSteps(1).saveLast(true)).build()) {
            assertThatThrownBy(() -> t.fit(m, loader(64, 16, true, 1), null))
                    .isInstanceOf(NonFiniteValueException.class)
                    .hasMessageContaining("global step")
                    .hasMessageContaining("training loss");
        }
        Path last = ckpts.resolve("last.ckpt");
        assertThat(CheckpointIO.exists(last)).isTrue();
        try {
            for (HostArray a : CheckpointIO.loadModelState(last).values()) {
                for (double v : a.toDoubleArray()) {
                    assertThat(Double.isFinite(v)).as("the last checkpoint holds only finite weights").isTrue();
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @ForEachBackend
    void maxTimeStopsTraining(String backend) {
        try (Trainer t = quiet(backend).maxEpochs(1000).maxTime(Duration.ofMillis(1)).build()) {
            t.fit(new LinearRegressionModule(3, 0, 0.01), loader(64, 8, true, 1), null);
            assertThat(t.globalStep()).isLessThan(8 * 1000);
            assertThat(t.state().shouldStop()).isTrue();
        }
    }
}
