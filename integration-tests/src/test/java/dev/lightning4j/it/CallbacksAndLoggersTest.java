package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.callbacks.EarlyStopping;
import dev.lightning4j.callbacks.LearningRateMonitor;
import dev.lightning4j.callbacks.ModelCheckpoint;
import dev.lightning4j.callbacks.ProgressBar;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Lightning;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.loggers.CSVLogger;
import dev.lightning4j.loggers.TensorBoardLogger;
import dev.lightning4j.testkit.ForEachBackend;
import dev.lightning4j.trainer.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** Callbacks and loggers as a user configures them, on every engine. */
class CallbacksAndLoggersTest {
    @TempDir
    Path dir;

    private static DataLoader train() {
        return DataLoader.builder(Synthetic.linear(64, 0.1, 1)).batchSize(16).shuffle(true).build();
    }

    private static DataLoader val() {
        return DataLoader.builder(Synthetic.linear(32, 0.1, 2)).batchSize(16).build();
    }

    @ForEachBackend
    void earlyStoppingStopsAfterPatienceWithoutImprovement(String backend) {
        EarlyStopping stop = new EarlyStopping("val_loss").patience(2);
        try (Trainer t = Trainer.builder().backend(backend).maxEpochs(50).seed(1).enableSummary(false)
                .defaultRootDir(dir).enableCheckpointing(false).callbacks(stop).build()) {
            t.fit(new LinearRegressionModule(3, 0, 0.0), train(), val()); // lr 0: val_loss never improves
            assertThat(t.currentEpoch()).isEqualTo(3);
        }
        assertThat(stop.stoppedEpoch()).isEqualTo(2);
        assertThat(stop.stopReason()).contains("did not improve in the last 2 records");
    }

    @ForEachBackend
    void minEpochsOverridesAnEarlyStop(String backend) {
        try (Trainer t = Trainer.builder().backend(backend).maxEpochs(50).minEpochs(6).seed(1).enableSummary(false)
                .defaultRootDir(dir).enableCheckpointing(false).callbacks(new EarlyStopping("val_loss").patience(1)).build()) {
            t.fit(new LinearRegressionModule(3, 0, 0.0), train(), val());
            assertThat(t.currentEpoch()).isEqualTo(6);
        }
    }

    @ForEachBackend
    void theDefaultCsvLoggerAndCheckpointsShareTheVersionDirectory(String backend) throws IOException {
        Lightning.seedEverything(2);
        try (Trainer t = Trainer.builder().backend(backend).maxEpochs(3).seed(1).enableSummary(false)
                .defaultRootDir(dir).logEveryNSteps(1).callbacks(new LearningRateMonitor()).build()) {
            t.fit(new LinearRegressionModule(3, 4, 0.05), train(), val());
        }
        Path version = dir.resolve("lightning_logs").resolve("version_0");
        List<String> csv = Files.readAllLines(version.resolve("metrics.csv"));
        assertThat(csv.get(0)).contains("train_loss").contains("val_loss").contains("epoch").contains("step")
                .contains("lr-SGD");
        assertThat(csv).hasSizeGreaterThan(12);
        // Lightning's default checkpoint: the latest epoch only, named epoch=N-step=M.
        try (var files = Files.list(version.resolve("checkpoints"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("epoch=2-step=12.ckpt");
        }
    }

    /**
     * Lightning logs at the index of the latest optimizer step (49, 99, ... with log_every_n_steps=50)
     * and its CSVLogger saves after steps s with (s + 1) % flush_logs_every_n_steps == 0, so the
     * metrics file grows during the fit, not only at its end.
     */
    @ForEachBackend
    void metricsCsvIsWrittenDuringTheFitAtLightningsSteps(String backend) throws IOException {
        Lightning.seedEverything(2);
        CSVLogger csv = CSVLogger.builder().rootDir(dir).flushLogsEveryNSteps(4).build();
        List<List<String>> seenAtStep4 = new ArrayList<>();
        Callback peek = new Callback() {
            @Override
            public void onTrainBatchEnd(Trainer trainer, LightningModule module, Map<String, Double> metrics,
                                        HostBatch batch, int batchIdx) {
                if (trainer.globalStep() == 4) {
                    seenAtStep4.addAll(readCsv(csv.metricsFile()));
                }
            }
        };
        try (Trainer t = Trainer.builder().backend(backend).maxEpochs(3).seed(1).enableSummary(false)
                .enableCheckpointing(false).logEveryNSteps(2).loggers(csv).callbacks(peek).build()) {
            t.fit(new LinearRegressionModule(3, 4, 0.05), train(), val()); // 4 batches an epoch, 12 steps
        }
        // Step rows at 1 and 3 (after optimizer steps 2 and 4); saved after the row at step 3.
        assertThat(column(seenAtStep4, "step", "train_loss")).containsExactly("1", "3");

        List<List<String>> rows = readCsv(csv.metricsFile());
        assertThat(column(rows, "step", "train_loss")).containsExactly("1", "3", "5", "7", "9", "11");
        // Each epoch's validation row shares its last batch's step, as in Lightning.
        assertThat(column(rows, "step", "val_loss")).containsExactly("3", "7", "11");
        assertThat(column(rows, "epoch", "val_loss")).containsExactly("0", "1", "2");
    }

    private static List<List<String>> readCsv(Path file) {
        try {
            return Files.readAllLines(file).stream().map(l -> List.of(l.split(",", -1))).toList();
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    /** The {@code column} cells of the rows that have a {@code present} value. */
    private static List<String> column(List<List<String>> csv, String column, String present) {
        List<String> header = csv.get(0);
        int c = header.indexOf(column);
        int p = header.indexOf(present);
        assertThat(c).as("column %s in %s", column, header).isNotNegative();
        assertThat(p).as("column %s in %s", present, header).isNotNegative();
        return csv.subList(1, csv.size()).stream().filter(r -> !r.get(p).isEmpty()).map(r -> r.get(c)).toList();
    }

    @ForEachBackend
    void modelCheckpointKeepsTheTopKByTheMonitoredMetric(String backend) {
        Lightning.seedEverything(2);
        ModelCheckpoint mc = new ModelCheckpoint().dirpath(dir.resolve("best")).monitor("val_loss").saveTopK(2)
                .filename("{epoch}-{val_loss:.4f}");
        try (Trainer t = Trainer.builder().backend(backend).maxEpochs(5).seed(1).enableSummary(false)
                .enableLogger(false).callbacks(mc).build()) {
            t.fit(new LinearRegressionModule(3, 4, 0.05), train(), val());
        }
        assertThat(mc.keptPaths()).hasSize(2);
        assertThat(mc.bestModelPath().getFileName().toString()).startsWith("epoch=").contains("-val_loss=").endsWith(".ckpt");
        assertThat(mc.bestModelPath()).isDirectory();
        try (var files = Files.list(dir.resolve("best"))) {
            assertThat(files.count()).isEqualTo(2);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @ForEachBackend
    void tensorBoardLoggerWritesAnEventFile(String backend) throws IOException {
        TensorBoardLogger tb = TensorBoardLogger.builder().rootDir(dir).build();
        try (Trainer t = Trainer.builder().backend(backend).maxEpochs(2).enableSummary(false).enableCheckpointing(false)
                .loggers(tb).logEveryNSteps(1).build()) {
            t.fit(new LinearRegressionModule(3, 0, 0.05), train(), val());
        }
        try (var files = Files.list(tb.logDir())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("events.out.tfevents.")))
                    .hasSize(1);
        }
    }

    @ForEachBackend
    void progressBarAndSummaryPrintPlainLinesOffATerminal(String backend) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (Trainer t = Trainer.builder().backend(backend).maxEpochs(2).enableLogger(false).enableCheckpointing(false)
                .console(console).callbacks(new ProgressBar(console, false)).build()) {
            LinearRegressionModule m = new LinearRegressionModule(3, 4, 0.05);
            t.fit(m, train(), val());
            t.test(m, val());
        }
        String text = out.toString(StandardCharsets.UTF_8);
        // The test summary shows the test run's metrics only, not the last training values.
        assertThat(text.lines().filter(l -> l.startsWith("test |")).toList()).singleElement()
                .satisfies(l -> assertThat(l).contains("test_mae").doesNotContain("train_loss").doesNotContain("val_loss"));
        assertThat(text).contains("Trainable params").contains("net").contains("Sequential");
        assertThat(text.lines().filter(l -> l.startsWith("Epoch ")).toList()).hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("train_loss").contains("val_loss").contains("4 batches")
                        .matches("Epoch [12]/2 \\| 4 batches \\| \\d+\\.\\d\\ds \\| \\d+\\.\\d it/s \\| step [48] \\| .*"));
        assertThat(text).doesNotContain("\r");
    }

    /** A callback bound through Guice rather than passed to the builder. */
    static final class CountingCallback implements Callback {
        static int fits;

        @Override
        public void onFitStart(Trainer trainer, LightningModule module) {
            fits++;
        }
    }

    @ForEachBackend
    void callbacksCanBeBoundWithGuice(String backend) {
        int before = CountingCallback.fits;
        AbstractModule bindings = new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder.newSetBinder(binder(), Callback.class).addBinding().to(CountingCallback.class);
            }
        };
        try (Trainer t = Trainer.builder().backend(backend).maxSteps(1).enableSummary(false).enableLogger(false)
                .enableCheckpointing(false).modules(bindings).build()) {
            t.fit(new LinearRegressionModule(3, 0, 0.05), train(), null);
        }
        assertThat(CountingCallback.fits).isEqualTo(before + 1);
    }
}
