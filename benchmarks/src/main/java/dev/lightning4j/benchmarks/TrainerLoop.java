package dev.lightning4j.benchmarks;

import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.callbacks.ProgressBar;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.data.TensorDataset;
import dev.lightning4j.loggers.CSVLogger;
import dev.lightning4j.trainer.Trainer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Our Trainer as a user runs it: CSV logging (every 50 steps, Lightning's default) into a temporary
 * directory, the progress bar on (in terminal mode, redrawing, into a null stream), no checkpoints,
 * no model summary (both are outside the timed window anyway). A callback timestamps the end of
 * the warm-up step and of the last step, so the time covers everything the loop does per batch:
 * the batch gather, hooks, the engine step, logging and the progress bar.
 */
final class TrainerLoop implements StepLoop {
    private final String backend;
    private final LongConsumer everyStep; // called with the global step after each batch (for the RSS series)

    TrainerLoop(String backend) {
        this(backend, null);
    }

    TrainerLoop(String backend, LongConsumer everyStep) {
        this.backend = backend;
        this.everyStep = everyStep;
    }

    static final PrintStream NULL = new PrintStream(OutputStream.nullOutputStream());

    @Override
    public Result run(Workload w, int warmup, int steps) {
        Path dir;
        try {
            dir = Files.createTempDirectory("l4j-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long[] marks = new long[2];
        long[] cpu = new long[2];
        int[] count = {0};
        Callback timer = new Callback() {
            @Override
            public void onTrainBatchEnd(Trainer trainer, LightningModule module, Map<String, Double> metrics,
                                        HostBatch batch, int batchIdx) {
                int c = ++count[0];
                if (c == warmup) {
                    marks[0] = System.nanoTime();
                    cpu[0] = Proc.cpuNanos();
                    Proc.resetPeakRss();
                } else if (c == warmup + steps) {
                    marks[1] = System.nanoTime();
                    cpu[1] = Proc.cpuNanos();
                }
                if (everyStep != null) {
                    everyStep.accept(c);
                }
            }
        };
        try {
            DataLoader train = DataLoader.builder(TensorDataset.of(w.allX, w.allY))
                    .batchSize(Workload.BATCH).shuffle(false).build();
            LightningModule model = w.model.get();
            double loss;
            try (Trainer trainer = Trainer.builder()
                    .backend(backend)
                    .maxSteps(warmup + steps)
                    .maxEpochs(Integer.MAX_VALUE)
                    .defaultRootDir(dir)
                    .loggers(new CSVLogger(dir))
                    .callbacks(new ProgressBar(NULL, true), timer)
                    .enableCheckpointing(false)
                    .enableModelSummary(false)
                    .console(NULL)
                    .build()) {
                trainer.fit(model, train, null);
                loss = trainer.callbackMetrics().getOrDefault("train_loss", Double.NaN);
            }
            double ms = (marks[1] - marks[0]) / 1e6 / steps;
            return new Result(ms, (cpu[1] - cpu[0]) / 1e6 / steps, loss, Proc.peakRss());
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
