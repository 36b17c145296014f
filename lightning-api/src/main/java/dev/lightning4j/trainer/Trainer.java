package dev.lightning4j.trainer;

import com.google.inject.Guice;
import com.google.inject.Inject;
import com.google.inject.util.Modules;
import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.Backends;
import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.callbacks.ModelCheckpoint;
import dev.lightning4j.callbacks.ModelSummary;
import dev.lightning4j.checkpoint.Checkpoint;
import dev.lightning4j.callbacks.ProgressBar;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Optimization;
import dev.lightning4j.core.RunningStage;
import dev.lightning4j.core.Stage;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.LightningDataModule;
import dev.lightning4j.loggers.CSVLogger;
import dev.lightning4j.loggers.Logger;
import dev.lightning4j.loops.EvaluationLoop;
import dev.lightning4j.loops.FitLoop;
import dev.lightning4j.loops.Hooks;
import dev.lightning4j.loops.LoopContext;
import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.random.Generator;
import dev.lightning4j.strategies.ClusterEnvironment;
import dev.lightning4j.strategies.DistributedOptions;
import dev.lightning4j.strategies.Strategy;
import dev.lightning4j.tensor.HostArray;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs a {@link LightningModule} on the engine chosen by configuration: fit, validate, test and
 * predict, as PyTorch Lightning's {@code Trainer}. Build one with {@link #builder()}; close it to
 * release the engine (the models it ran keep their weights, copied back to the host).
 *
 * <p>The Trainer reads top to bottom: it places the model with the {@link Strategy}, builds the
 * hooks, and hands the run to a loop ({@link FitLoop}, {@link EvaluationLoop}).
 */
public final class Trainer implements AutoCloseable {
    private final Backend backend;
    private final Strategy strategy;
    private final TrainerConfig config;
    private final PrintStream console;
    private final List<Callback> callbacks;
    private final List<Logger> loggers;
    private final TrainerState state = new TrainerState();
    private final Set<LightningModule> placed = Collections.newSetFromMap(new IdentityHashMap<>());
    private FitLoop activeFit;
    private LightningModule activeModel;

    /** Creates a Trainer from its collaborators; use {@link #builder()} rather than calling this. */
    @Inject
    public Trainer(Backend backend, Strategy strategy, TrainerConfig config, @Console PrintStream console,
                   TrainerModule.TrainerPlugins plugins, Set<Callback> boundCallbacks) {
        try {
            // Before any model is placed: switching these may rebuild the engine's session.
            EngineFeatures.apply(config, backend);
        } catch (RuntimeException e) {
            // The Trainer owns the backend, but the caller never receives a Trainer to close.
            try {
                backend.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        this.backend = backend;
        this.strategy = strategy;
        this.config = config;
        this.console = console;
        List<Callback> all = new ArrayList<>(plugins.callbacks());
        all.addAll(boundCallbacks);
        // Under DDP only rank 0 prints and logs, as in Lightning (rank_zero_only).
        boolean globalZero = strategy.isGlobalZero();
        if (globalZero && config.enableModelSummary() && all.stream().noneMatch(c -> c instanceof ModelSummary)) {
            all.add(0, new ModelSummary(console));
        }
        if (globalZero && config.enableProgressBar() && all.stream().noneMatch(c -> c instanceof ProgressBar)) {
            all.add(new ProgressBar(console));
        }
        boolean smokeTest = config.fastDevRun() > 0;
        if (config.enableCheckpointing() && !smokeTest && all.stream().noneMatch(c -> c instanceof ModelCheckpoint)) {
            all.add(new ModelCheckpoint());
        }
        this.callbacks = List.copyOf(all);
        if (smokeTest || !globalZero) {
            this.loggers = List.of();
        } else if (plugins.loggers().isEmpty() && config.enableLogger()) {
            this.loggers = List.of(new CSVLogger(config.defaultRootDir()));
        } else {
            this.loggers = List.copyOf(plugins.loggers());
        }
    }

    /** Starts a Trainer configuration. */
    public static Builder builder() {
        return new Builder();
    }

    /** The engine this Trainer runs on. */
    public Backend backend() {
        return backend;
    }

    /** The device placement strategy. */
    public Strategy strategy() {
        return strategy;
    }

    /** The options. */
    public TrainerConfig config() {
        return config;
    }

    /** Position and metrics of the latest run. */
    public TrainerState state() {
        return state;
    }

    /** The callbacks, in the order they run. */
    public List<Callback> callbacks() {
        return callbacks;
    }

    /** The loggers. */
    public List<Logger> loggers() {
        return loggers;
    }

    /** The optimizer of the fit in progress, or null. */
    public Optimizer optimizer() {
        return activeFit == null ? null : activeFit.optimization().optimizer();
    }

    /** The fit in progress (for checkpointing), or null. */
    public FitLoop activeFit() {
        return activeFit;
    }

    /** The latest value of every metric, as Lightning's {@code trainer.callback_metrics}. */
    public Map<String, Double> callbackMetrics() {
        return state.callbackMetrics();
    }

    /** The number of optimizer steps taken by the latest fit. */
    public long globalStep() {
        return state.globalStep();
    }

    /** The current epoch; after fit, the number of epochs run. */
    public int currentEpoch() {
        return state.currentEpoch();
    }

    /** Trains {@code model} on the data module's training loader, validating on its validation loader. */
    public void fit(LightningModule model, LightningDataModule data) {
        fit(model, data, null);
    }

    /**
     * Trains {@code model}, resuming from {@code ckptPath} when it is not null: a checkpoint path,
     * {@code "last"} or {@code "best"} (as kept by the run's ModelCheckpoint).
     */
    public void fit(LightningModule model, LightningDataModule data, String ckptPath) {
        data.prepareData();
        data.setup(Stage.FIT);
        DataLoader train = require(data.trainDataLoader(), data, "trainDataLoader", "fit");
        fit(model, train, data.valDataLoader(), ckptPath);
    }

    /** Trains {@code model} on {@code train}, validating on {@code val} when it is not null. */
    public void fit(LightningModule model, DataLoader train, DataLoader val) {
        fit(model, train, val, null);
    }

    /** Trains {@code model} on {@code train} and {@code val}, resuming from {@code ckptPath} when not null. */
    public void fit(LightningModule model, DataLoader train, DataLoader val, String ckptPath) {
        state.resetForFit();
        DataLoader trainLoader = train;
        DataLoader valLoader = val;
        BatchLimit trainLimit = config.limitTrainBatches();
        BatchLimit valLimit = config.limitValBatches();
        if (config.fastDevRun() > 0) {
            trainLimit = BatchLimit.count(config.fastDevRun());
            valLimit = BatchLimit.count(config.fastDevRun());
        } else if (config.overfitting()) {
            // As Lightning: train and validate on the same first batches, in a fixed order.
            trainLoader = DataLoader.builder(train.dataset()).batchSize(train.batchSize()).build();
            valLoader = trainLoader;
            trainLimit = config.overfitBatches();
            valLimit = config.overfitBatches();
        }
        // Under DDP each rank iterates its own shard (identity in a single process).
        DataLoader t = strategy.distributeLoader(trainLoader);
        DataLoader v = valLoader == null ? null : strategy.distributeLoader(valLoader);
        BatchLimit tl = trainLimit;
        BatchLimit vl = valLimit;
        Path resumeFrom = ckptPath == null ? null : CheckpointConnector.resolve(this, ckptPath);
        Checkpoint checkpoint = resumeFrom == null ? null : CheckpointConnector.load(resumeFrom);
        run(model, Stage.FIT, () -> {
            place(model);
            if (!model.hparams().isEmpty()) {
                loggers.forEach(l -> l.logHyperparams(model.hparams()));
            }
            Optimization optimization = model.configureOptimizers();
            Long savedSeed = checkpoint == null ? null : CheckpointConnector.dataSeed(checkpoint);
            try (FitLoop loop = new FitLoop(loopContext(model, savedSeed), model, t, v, optimization, tl, vl)) {
                activeFit = loop;
                if (checkpoint != null) {
                    CheckpointConnector.restore(this, model, loop, checkpoint, resumeFrom);
                }
                loop.run();
                strategy.barrier("fit_end");
            } finally {
                activeFit = null;
            }
            return null;
        });
    }

    /**
     * Saves a checkpoint of the model being run (with optimizer, loop, scheduler and callback
     * state during a fit) to {@code path}, atomically: an existing checkpoint there is replaced
     * only once the new one is complete.
     */
    public void saveCheckpoint(Path path) {
        if (activeModel == null) {
            throw new IllegalStateException("saveCheckpoint needs a model: call it while fit, validate or test runs "
                    + "(for example from a callback)");
        }
        CheckpointConnector.save(this, activeModel, path);
    }

    /** Runs the validation loop once and returns the epoch-level metrics. */
    public Map<String, Double> validate(LightningModule model, LightningDataModule data) {
        data.prepareData();
        data.setup(Stage.VALIDATE);
        return validate(model, require(data.valDataLoader(), data, "valDataLoader", "validate"));
    }

    /** Runs the validation loop once over {@code loader}. */
    public Map<String, Double> validate(LightningModule model, DataLoader loader) {
        if (!model.hasValidationStep()) {
            throw new IllegalStateException(model.getClass().getSimpleName()
                    + " does not override validationStep(Batch, int); define it to run trainer.validate");
        }
        return evaluate(model, loader, Stage.VALIDATE, RunningStage.VALIDATING, config.limitValBatches());
    }

    /** Runs the test loop once and returns the epoch-level metrics. */
    public Map<String, Double> test(LightningModule model, LightningDataModule data) {
        data.prepareData();
        data.setup(Stage.TEST);
        return test(model, require(data.testDataLoader(), data, "testDataLoader", "test"));
    }

    /** Runs the test loop once over {@code loader}. */
    public Map<String, Double> test(LightningModule model, DataLoader loader) {
        if (!model.hasTestStep()) {
            throw new IllegalStateException(model.getClass().getSimpleName()
                    + " does not override testStep(Batch, int); define it to run trainer.test");
        }
        return evaluate(model, loader, Stage.TEST, RunningStage.TESTING, config.limitTestBatches());
    }

    /** Returns the prediction of each batch of the data module's predict loader. */
    public List<HostArray> predict(LightningModule model, LightningDataModule data) {
        data.prepareData();
        data.setup(Stage.PREDICT);
        return predict(model, require(data.predictDataLoader(), data, "predictDataLoader", "predict"));
    }

    /** Returns the prediction of each batch of {@code loader}. */
    public List<HostArray> predict(LightningModule model, DataLoader loader) {
        BatchLimit limit = config.fastDevRun() > 0 ? BatchLimit.count(config.fastDevRun()) : config.limitPredictBatches();
        return run(model, Stage.PREDICT, () -> {
            place(model);
            try (EvaluationLoop loop = new EvaluationLoop(loopContext(model), model, RunningStage.PREDICTING)) {
                return new ArrayList<>(loop.predict(loader, limit.apply(loader.numBatches())));
            }
        });
    }

    private Map<String, Double> evaluate(LightningModule model, DataLoader loader, Stage stage, RunningStage running,
                                         BatchLimit limit) {
        BatchLimit effective = config.fastDevRun() > 0 ? BatchLimit.count(config.fastDevRun()) : limit;
        return run(model, stage, () -> {
            place(model);
            try (EvaluationLoop loop = new EvaluationLoop(loopContext(model), model, running)) {
                return loop.run(loader, effective.apply(loader.numBatches()));
            }
        });
    }

    /** Wraps a stage in setup/teardown hooks, reports failures to callbacks, and flushes loggers. */
    private <T> T run(LightningModule model, Stage stage, Supplier<T> body) {
        if (model == null) {
            throw new NullPointerException("Trainer: the LightningModule to " + stage.name().toLowerCase(java.util.Locale.ROOT)
                    + " is null");
        }
        Hooks hooks = new Hooks(this, model, callbacks);
        activeModel = model;
        hooks.start(c -> c.setup(this, model, stage), null);
        try {
            return body.get();
        } catch (RuntimeException e) {
            // Under DDP a failed collective becomes an error that names the lost rank.
            RuntimeException failure = strategy.describeFailure(e);
            hooks.each(c -> c.onException(this, model, failure));
            throw failure;
        } catch (Error e) {
            hooks.each(c -> c.onException(this, model, e));
            throw e;
        } finally {
            hooks.end(c -> c.teardown(this, model, stage), null);
            loggers.forEach(Logger::save);
            activeModel = null;
        }
    }

    private void place(LightningModule model) {
        strategy.setup(model, backend);
        placed.add(model);
    }

    private LoopContext loopContext(LightningModule model) {
        return loopContext(model, null);
    }

    private LoopContext loopContext(LightningModule model, Long savedSeed) {
        long seed = strategy.agreeOnSeed(savedSeed != null ? savedSeed
                : config.seed() != null ? config.seed() : Generator.defaultGenerator().nextLong());
        backend.manualSeed(seed);
        return new LoopContext(backend, strategy, config, state, loggers, new Hooks(this, model, callbacks), seed);
    }

    private static DataLoader require(DataLoader loader, LightningDataModule data, String method, String entry) {
        if (loader == null) {
            throw new IllegalStateException(data.getClass().getSimpleName() + "." + method
                    + "() returned null; override it to run trainer." + entry);
        }
        return loader;
    }

    /** Copies the weights of every model this Trainer placed back to the host, then releases the engine. */
    @Override
    public void close() {
        try {
            placed.forEach(LightningModule::toHost);
            placed.clear();
            loggers.forEach(Logger::close);
        } finally {
            try {
                backend.close();
            } finally {
                strategy.teardown();
            }
        }
    }

    /** Options of a {@link Trainer}, with Lightning's defaults. */
    public static final class Builder {
        private String backend;
        private String accelerator = "auto";
        private int devices = 1;
        private String strategy = "auto";
        private int numNodes = 1;
        private DistributedOptions distributedOptions = DistributedOptions.DEFAULTS;
        private int maxEpochs = -1;
        private int minEpochs;
        private long maxSteps = -1;
        private Duration maxTime;
        private BatchLimit limitTrain = BatchLimit.ALL;
        private BatchLimit limitVal = BatchLimit.ALL;
        private BatchLimit limitTest = BatchLimit.ALL;
        private BatchLimit limitPredict = BatchLimit.ALL;
        private BatchLimit valCheckInterval = BatchLimit.ALL;
        private int checkValEveryNEpoch = 1;
        private int numSanityValSteps = 2;
        private int fastDevRun;
        private BatchLimit overfitBatches = BatchLimit.fraction(0);
        private int accumulateGradBatches = 1;
        private double gradientClipVal;
        private TrainerConfig.ClipAlgorithm gradientClipAlgorithm = TrainerConfig.ClipAlgorithm.NORM;
        private boolean detectAnomaly;
        private boolean deterministic;
        private String compile = TrainerConfig.COMPILE_NONE;
        private Long seed;
        private Path defaultRootDir = Path.of("");
        private boolean enableLogger = true;
        private boolean enableCheckpointing = true;
        private boolean enableProgressBar = true;
        private boolean enableModelSummary = true;
        private int logEveryNSteps = 50;
        private PrintStream console = System.out;
        private final List<Callback> callbacks = new ArrayList<>();
        private final List<Logger> loggers = new ArrayList<>();
        private final List<com.google.inject.Module> overrides = new ArrayList<>();

        private Builder() {
        }

        /** The engine by name; otherwise {@code -Dlightning.backend}, {@code LIGHTNING_BACKEND}, or pytorch. */
        public Builder backend(String name) {
            this.backend = name;
            return this;
        }

        /** {@code auto} (default), {@code cpu} or {@code cuda}. */
        public Builder accelerator(String name) {
            this.accelerator = name;
            return this;
        }

        /** How many devices (default 1). */
        public Builder devices(int n) {
            this.devices = n;
            return this;
        }

        /**
         * {@code auto} (default: {@code ddp} when devices x numNodes &gt; 1), {@code single_device} or
         * {@code ddp}: one process per device, launched by this Trainer on one machine or read from the
         * cluster environment ({@link ClusterEnvironment}).
         */
        public Builder strategy(String name) {
            this.strategy = name;
            return this;
        }

        /** How many machines take part (default 1); the world size is devices x numNodes. */
        public Builder numNodes(int n) {
            this.numNodes = n;
            return this;
        }

        /** Timeouts, bucket size and communication hint of distributed data parallel. */
        public Builder distributedOptions(DistributedOptions options) {
            this.distributedOptions = options;
            return this;
        }

        /** Stop after this many epochs. */
        public Builder maxEpochs(int n) {
            this.maxEpochs = n;
            return this;
        }

        /** Train at least this many epochs, even when a callback asks to stop. */
        public Builder minEpochs(int n) {
            this.minEpochs = n;
            return this;
        }

        /** Stop after this many optimizer steps. */
        public Builder maxSteps(long n) {
            this.maxSteps = n;
            return this;
        }

        /** Stop once this much time has passed. */
        public Builder maxTime(Duration d) {
            this.maxTime = d;
            return this;
        }

        /** Train on this fraction of the batches each epoch. */
        public Builder limitTrainBatches(double fraction) {
            this.limitTrain = BatchLimit.fraction(fraction);
            return this;
        }

        /** Train on this many batches each epoch. */
        public Builder limitTrainBatches(int count) {
            this.limitTrain = BatchLimit.count(count);
            return this;
        }

        /** Validate on this fraction of the batches. */
        public Builder limitValBatches(double fraction) {
            this.limitVal = BatchLimit.fraction(fraction);
            return this;
        }

        /** Validate on this many batches. */
        public Builder limitValBatches(int count) {
            this.limitVal = BatchLimit.count(count);
            return this;
        }

        /** Test on this fraction of the batches. */
        public Builder limitTestBatches(double fraction) {
            this.limitTest = BatchLimit.fraction(fraction);
            return this;
        }

        /** Test on this many batches. */
        public Builder limitTestBatches(int count) {
            this.limitTest = BatchLimit.count(count);
            return this;
        }

        /** Predict on this fraction of the batches. */
        public Builder limitPredictBatches(double fraction) {
            this.limitPredict = BatchLimit.fraction(fraction);
            return this;
        }

        /** Predict on this many batches. */
        public Builder limitPredictBatches(int count) {
            this.limitPredict = BatchLimit.count(count);
            return this;
        }

        /** Validate after this fraction of each training epoch (default 1.0: at its end). */
        public Builder valCheckInterval(double fraction) {
            this.valCheckInterval = BatchLimit.fraction(fraction);
            return this;
        }

        /** Validate every {@code batches} training batches. */
        public Builder valCheckInterval(int batches) {
            this.valCheckInterval = BatchLimit.count(batches);
            return this;
        }

        /** Validate every n-th epoch (default 1). */
        public Builder checkValEveryNEpoch(int n) {
            this.checkValEveryNEpoch = n;
            return this;
        }

        /** Validation batches run before training to catch errors early (default 2; -1 for all). */
        public Builder numSanityValSteps(int n) {
            this.numSanityValSteps = n;
            return this;
        }

        /** Run {@code n} batches of each stage once, with no loggers or checkpoints (a smoke test). */
        public Builder fastDevRun(int n) {
            this.fastDevRun = n;
            return this;
        }

        /** Train and validate on the first {@code n} training batches, unshuffled. */
        public Builder overfitBatches(int n) {
            this.overfitBatches = BatchLimit.count(n);
            return this;
        }

        /** Train and validate on this fraction of the training batches, unshuffled. */
        public Builder overfitBatches(double fraction) {
            this.overfitBatches = BatchLimit.fraction(fraction);
            return this;
        }

        /** Add the gradients of {@code n} batches before each optimizer step. */
        public Builder accumulateGradBatches(int n) {
            this.accumulateGradBatches = n;
            return this;
        }

        /** Clip gradients at {@code value} with the total-norm algorithm (0 turns clipping off). */
        public Builder gradientClipVal(double value) {
            this.gradientClipVal = value;
            return this;
        }

        /** {@code NORM} (default) or {@code VALUE}. */
        public Builder gradientClipAlgorithm(TrainerConfig.ClipAlgorithm algorithm) {
            this.gradientClipAlgorithm = algorithm;
            return this;
        }

        /** Also check the gradients of every step for NaN or infinity. */
        public Builder detectAnomaly(boolean on) {
            this.detectAnomaly = on;
            return this;
        }

        /**
         * Ask the engine for deterministic kernels (what each engine can control is documented by its
         * {@link dev.lightning4j.backend.DeterminismControl} implementation). A backend without the
         * feature fails when the Trainer is built.
         */
        public Builder deterministic(boolean on) {
            this.deterministic = on;
            return this;
        }

        /**
         * Compiles every step with a JIT: {@code "none"} (default) or {@code "xla"} (TensorFlow's XLA
         * auto-clustering, on CPU too). A backend without the mode fails when the Trainer is built.
         */
        public Builder compile(String mode) {
            this.compile = mode == null ? TrainerConfig.COMPILE_NONE : mode.trim().toLowerCase(java.util.Locale.ROOT);
            return this;
        }

        /** Seeds the data order and the engine's dropout generator. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Where logs and checkpoints go by default (default: the working directory). */
        public Builder defaultRootDir(Path dir) {
            this.defaultRootDir = dir;
            return this;
        }

        /** Loggers to use instead of the default CSV logger. */
        public Builder loggers(Logger... chosen) {
            this.loggers.addAll(List.of(chosen));
            return this;
        }

        /** Turns the default logger off (or on). */
        public Builder enableLogger(boolean on) {
            this.enableLogger = on;
            return this;
        }

        /** Turns the default checkpointing off (or on). */
        public Builder enableCheckpointing(boolean on) {
            this.enableCheckpointing = on;
            return this;
        }

        /** Turns the progress bar off (or on). */
        public Builder enableProgressBar(boolean on) {
            this.enableProgressBar = on;
            return this;
        }

        /** Turns the model summary off (or on). */
        public Builder enableModelSummary(boolean on) {
            this.enableModelSummary = on;
            return this;
        }

        /** Turns every console output (progress bar and model summary) off or on. */
        public Builder enableSummary(boolean on) {
            this.enableProgressBar = on;
            this.enableModelSummary = on;
            return this;
        }

        /** Send step metrics to the loggers every n steps (default 50). */
        public Builder logEveryNSteps(int n) {
            this.logEveryNSteps = n;
            return this;
        }

        /** Callbacks, run in this order. More can be bound with a Guice {@code Multibinder<Callback>}. */
        public Builder callbacks(Callback... chosen) {
            this.callbacks.addAll(List.of(chosen));
            return this;
        }

        /** Where the progress bar and summaries are printed (default {@code System.out}). */
        public Builder console(PrintStream out) {
            this.console = out;
            return this;
        }

        /** Guice modules whose bindings override the Trainer's (a custom Strategy, for example). */
        public Builder modules(com.google.inject.Module... modules) {
            this.overrides.addAll(List.of(modules));
            return this;
        }

        /** The resolved configuration, without creating an engine. */
        public TrainerConfig config() {
            return new TrainerConfig(Backends.resolveName(backend), accelerator, devices, maxEpochs, minEpochs, maxSteps,
                    maxTime, limitTrain, limitVal, limitTest, limitPredict, valCheckInterval, checkValEveryNEpoch,
                    numSanityValSteps, fastDevRun, overfitBatches, accumulateGradBatches, gradientClipVal,
                    gradientClipAlgorithm, detectAnomaly, deterministic, compile, seed, defaultRootDir, enableLogger,
                    enableCheckpointing, enableProgressBar, enableModelSummary, logEveryNSteps);
        }

        /** Creates the engine and the Trainer. */
        public Trainer build() {
            TrainerConfig cfg = config();
            com.google.inject.Module base = Modules.combine(
                    Backends.provider(cfg.backend()).guiceModule(),
                    new TrainerModule(cfg, console, callbacks, loggers,
                            new TrainerModule.StrategyChoice(strategy, numNodes, distributedOptions)));
            try {
                return Guice.createInjector(Modules.override(base).with(overrides)).getInstance(Trainer.class);
            } catch (com.google.inject.ProvisionException | com.google.inject.CreationException e) {
                // Surface our own configuration errors rather than Guice's wrapper.
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            }
        }
    }
}
