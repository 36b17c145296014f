package dev.lightning4j.benchmarks;

import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.callbacks.ProgressBar;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.Dataset;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.data.TensorDataset;
import dev.lightning4j.loggers.CSVLogger;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.trainer.Trainer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Our Trainer as a user runs it: CSV logging (every 50 steps, Lightning's default) into a temporary
 * directory, the progress bar on (in terminal mode, redrawing, into a null stream), no checkpoints,
 * no model summary (both are outside the timed window anyway). A callback (after the others) marks
 * the ends of blocks of steps, so a block's time covers everything the loop does per batch: the
 * batch gather, hooks, the engine step, logging and the progress bar.
 */
final class TrainerLoop implements StepLoop {
    private final String backend;
    private final LongConsumer everyStep; // called with the global step after each batch (for the RSS series)

    TrainerLoop(String backend) {
        this(backend, null, false);
    }

    TrainerLoop(String backend, LongConsumer everyStep) {
        this(backend, everyStep, false);
    }

    /**
     * @param gatheredBatches true for a diagnostic variant whose data set copies each batch's rows
     *                        into arrays of their own, as {@code TensorDataset} did before batches
     *                        became row selections, to measure what that copy costs
     */
    TrainerLoop(String backend, LongConsumer everyStep, boolean gatheredBatches) {
        this.backend = backend;
        this.everyStep = everyStep;
        this.gatheredBatches = gatheredBatches;
    }

    private final boolean gatheredBatches;

    /**
     * Batches gathered ahead on a thread ({@code -Dbench.prefetch=N}); 0, the loader's default, by
     * default: on these two busy cores prefetching measured no gain (see BENCHMARKS.md).
     */
    static final int PREFETCH = Integer.getInteger("bench.prefetch", 0);

    /**
     * The CSV logger's {@code flushLogsEveryNSteps} ({@code -Dbench.csvEvery=N}); 100, Lightning's
     * default, unless a diagnostic takes the file rewrites out.
     */
    static final int CSV_FLUSH_EVERY = Integer.getInteger("bench.csvEvery", 100);

    static final PrintStream NULL = new PrintStream(OutputStream.nullOutputStream());

    @Override
    public Stepper open(Workload w) {
        return new TrainerStepper(w, false);
    }

    /** Epochs of the rare-path warm-up (see {@link #warmUpJit}). */
    static final int RARE_PATH_EPOCHS = Integer.getInteger("bench.rarePathEpochs", 600);

    /**
     * The steps' warm-up ({@link StepLoop#warmUpJit}), then {@link #RARE_PATH_EPOCHS} epochs of two
     * batches that log a row and rewrite {@code metrics.csv} after every step. Code that runs once an
     * epoch or once per log flush reaches C2's thresholds (500 calls in the benchmark's JVM) only
     * hundreds of epochs into a fit, and on two cores each of its compilations takes CPU from the
     * engine's threads: without this, they kept landing in the measured blocks (round 8). A long fit
     * runs this code compiled; here it gets there in a few seconds.
     */
    @Override
    public void warmUpJit(Workload w, double seconds) {
        StepLoop.super.warmUpJit(w, seconds);
        if (RARE_PATH_EPOCHS > 0) {
            try (Stepper s = new TrainerStepper(w, true)) {
                s.steps(2 * RARE_PATH_EPOCHS);
            }
        }
    }

    /**
     * The Trainer fits on its own thread, which parks in a callback between blocks: {@link #steps}
     * lets it run n batches and waits until it parks again. Only one of the two threads runs at a
     * time, and the block is timed on the Trainer's thread from its resumption to its next pause,
     * so the hand-over is not counted.
     */
    private final class TrainerStepper implements Stepper {
        private final Path dir;
        private final Semaphore resume = new Semaphore(0);
        private final Semaphore paused = new Semaphore(0);
        private final Thread thread;
        private volatile int remaining;
        private volatile boolean stop;
        private volatile Throwable failure;
        private volatile Block block;
        private volatile java.util.function.Supplier<?> task; // work for this thread while the Trainer is paused
        private volatile Object taskResult;
        private long t0;
        private long c0;
        private long count;

        /**
         * @param rarePaths two-batch epochs, a log row and a {@code metrics.csv} rewrite every step
         *                  (the rare-path warm-up), instead of the user's defaults
         */
        TrainerStepper(Workload w, boolean rarePaths) {
            try {
                dir = Files.createTempDirectory("l4j-bench");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Callback pacer = new Callback() {
                @Override
                public void onTrainStart(Trainer trainer, LightningModule module) {
                    pause(trainer);
                }

                @Override
                public void onTrainBatchEnd(Trainer trainer, LightningModule module, Map<String, Double> metrics,
                                            HostBatch batch, int batchIdx) {
                    if (everyStep != null) {
                        everyStep.accept(++count);
                    }
                    if (--remaining == 0) {
                        pause(trainer);
                    }
                }
            };
            TensorDataset data = TensorDataset.of(w.allX, w.allY);
            Dataset source = rarePaths ? firstRows(data, 2 * Workload.BATCH) : gatheredBatches ? gathering(data) : data;
            DataLoader train = DataLoader.builder(source)
                    .batchSize(Workload.BATCH).shuffle(false).prefetch(PREFETCH).build();
            LightningModule model = w.model.get();
            thread = new Thread(() -> {
                try (Trainer trainer = Trainer.builder()
                        .backend(backend)
                        .maxEpochs(Integer.MAX_VALUE)
                        .defaultRootDir(dir)
                        .loggers(CSVLogger.builder().rootDir(dir).flushLogsEveryNSteps(rarePaths ? 1 : CSV_FLUSH_EVERY).build())
                        .logEveryNSteps(rarePaths ? 1 : 50)
                        .callbacks(new ProgressBar(NULL, true), pacer) // the pacer last: the others run inside the block
                        .enableCheckpointing(false)
                        .enableModelSummary(false)
                        .console(NULL)
                        .build()) {
                    trainer.fit(model, train, null);
                } catch (Throwable e) {
                    failure = e;
                    paused.release();
                }
            }, "trainer-" + backend);
            thread.start();
            paused.acquireUninterruptibly();
            rethrow();
        }

        /** Ends a block (if one ran), hands over and waits for the next. */
        private void pause(Trainer trainer) {
            if (t0 != 0) {
                block = new Block(System.nanoTime() - t0, Proc.cpuNanos() - c0,
                        trainer.callbackMetrics().getOrDefault("train_loss", Double.NaN));
            }
            paused.release();
            resume.acquireUninterruptibly();
            while (task != null) {
                try {
                    taskResult = task.get();
                } catch (Throwable e) {
                    failure = e;
                }
                task = null;
                paused.release();
                resume.acquireUninterruptibly();
            }
            if (stop) {
                trainer.state().requestStop();
            }
            t0 = System.nanoTime();
            c0 = Proc.cpuNanos();
        }

        @Override
        public Block steps(int n) {
            remaining = n;
            resume.release();
            paused.acquireUninterruptibly();
            rethrow();
            return block;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T onOwnThread(java.util.function.Supplier<T> work) {
            task = work;
            resume.release();
            paused.acquireUninterruptibly();
            rethrow();
            return (T) taskResult;
        }

        private void rethrow() {
            if (failure != null) {
                throw new IllegalStateException("the Trainer on " + backend + ", or a block run on its thread, failed: "
                        + failure, failure);
            }
        }

        @Override
        public void close() {
            stop = true;
            resume.release();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteTree(dir);
        }
    }

    /** {@code data}, with each batch's rows copied into arrays of their own (the gather before row selections). */
    private static Dataset gathering(TensorDataset data) {
        return new Dataset() {
            @Override
            public int size() {
                return data.size();
            }

            @Override
            public HostBatch batch(int[] indices) {
                Map<String, HostArray> copied = new LinkedHashMap<>();
                data.batch(indices).fields().forEach((name, rows) -> copied.put(name, rows.dense()));
                return new HostBatch(copied, indices.length);
            }
        };
    }

    /** The first {@code n} samples of {@code data}. */
    private static Dataset firstRows(TensorDataset data, int n) {
        return new Dataset() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public HostBatch batch(int[] indices) {
                return data.batch(indices);
            }
        };
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
