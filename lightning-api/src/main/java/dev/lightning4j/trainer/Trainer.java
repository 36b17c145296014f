package dev.lightning4j.trainer;

import com.google.inject.Guice;
import com.google.inject.Inject;
import com.google.inject.util.Modules;
import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.Backends;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.RunningStage;
import dev.lightning4j.core.Stage;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.LightningDataModule;
import dev.lightning4j.loops.EvaluationLoop;
import dev.lightning4j.loops.FitLoop;
import dev.lightning4j.loops.LoopContext;
import dev.lightning4j.random.Generator;
import dev.lightning4j.strategies.Strategy;
import dev.lightning4j.tensor.HostArray;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link LightningModule} on the engine chosen by configuration: fit, validate, test and
 * predict, as PyTorch Lightning's {@code Trainer}. Build one with {@link #builder()}; close it to
 * release the engine (the models it trained keep their weights, copied back to the host).
 */
public final class Trainer implements AutoCloseable {
    private final Backend backend;
    private final Strategy strategy;
    private final TrainerConfig config;
    private final PrintStream console;
    private final TrainerState state = new TrainerState();
    private final Set<LightningModule> placed = Collections.newSetFromMap(new IdentityHashMap<>());

    /** Creates a Trainer from its collaborators; use {@link #builder()} rather than calling this. */
    @Inject
    public Trainer(Backend backend, Strategy strategy, TrainerConfig config, @Console PrintStream console) {
        this.backend = backend;
        this.strategy = strategy;
        this.config = config;
        this.console = console;
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

    /** The latest value of every metric, as Lightning's {@code trainer.callback_metrics}. */
    public Map<String, Double> callbackMetrics() {
        return state.callbackMetrics();
    }

    /** The number of optimizer steps taken by the latest fit. */
    public long globalStep() {
        return state.globalStep();
    }

    /** Epochs completed by the latest fit. */
    public int currentEpoch() {
        return state.currentEpoch();
    }

    /** Trains {@code model} on the data module's training loader, validating on its validation loader. */
    public void fit(LightningModule model, LightningDataModule data) {
        data.prepareData();
        data.setup(Stage.FIT);
        DataLoader train = require(data.trainDataLoader(), data, "trainDataLoader", "fit");
        fit(model, train, data.valDataLoader());
    }

    /** Trains {@code model} on {@code train}, validating on {@code val} when it is not null. */
    public void fit(LightningModule model, DataLoader train, DataLoader val) {
        state.resetForFit();
        place(model);
        new FitLoop(loopContext(), model, train, val).run();
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
        return evaluate(model, loader, RunningStage.VALIDATING, config.limitValBatches());
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
        return evaluate(model, loader, RunningStage.TESTING, config.limitTestBatches());
    }

    /** Returns the prediction of each batch of the data module's predict loader. */
    public List<HostArray> predict(LightningModule model, LightningDataModule data) {
        data.prepareData();
        data.setup(Stage.PREDICT);
        return predict(model, require(data.predictDataLoader(), data, "predictDataLoader", "predict"));
    }

    /** Returns the prediction of each batch of {@code loader}. */
    public List<HostArray> predict(LightningModule model, DataLoader loader) {
        place(model);
        try (EvaluationLoop loop = new EvaluationLoop(loopContext(), model, RunningStage.PREDICTING)) {
            return new ArrayList<>(loop.predict(loader, config.limitPredictBatches().apply(loader.numBatches())));
        }
    }

    private Map<String, Double> evaluate(LightningModule model, DataLoader loader, RunningStage stage, BatchLimit limit) {
        place(model);
        try (EvaluationLoop loop = new EvaluationLoop(loopContext(), model, stage)) {
            if (stage == RunningStage.TESTING) {
                model.onTestEpochStart();
            } else {
                model.onValidationEpochStart();
            }
            Map<String, Double> metrics = loop.run(loader, limit);
            if (stage == RunningStage.TESTING) {
                model.onTestEpochEnd();
            } else {
                model.onValidationEpochEnd();
            }
            if (config.enableSummary()) {
                console.println(stage.label() + " metrics: " + metrics);
            }
            return metrics;
        }
    }

    private void place(LightningModule model) {
        strategy.setup(model, backend);
        placed.add(model);
    }

    private LoopContext loopContext() {
        long seed = config.seed() != null ? config.seed() : Generator.defaultGenerator().nextLong();
        backend.manualSeed(seed);
        return new LoopContext(backend, strategy, config, state, console, seed);
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
        } finally {
            backend.close();
        }
    }

    /** Options of a {@link Trainer}, with Lightning's defaults. */
    public static final class Builder {
        private String backend;
        private String accelerator = "auto";
        private int devices = 1;
        private int maxEpochs = -1;
        private int minEpochs;
        private long maxSteps = -1;
        private BatchLimit limitTrain = BatchLimit.ALL;
        private BatchLimit limitVal = BatchLimit.ALL;
        private BatchLimit limitTest = BatchLimit.ALL;
        private BatchLimit limitPredict = BatchLimit.ALL;
        private int checkValEveryNEpoch = 1;
        private int numSanityValSteps = 2;
        private Long seed;
        private boolean enableSummary = true;
        private PrintStream console = System.out;
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

        /** Stop after this many epochs. */
        public Builder maxEpochs(int n) {
            this.maxEpochs = n;
            return this;
        }

        /** Train at least this many epochs. */
        public Builder minEpochs(int n) {
            this.minEpochs = n;
            return this;
        }

        /** Stop after this many optimizer steps. */
        public Builder maxSteps(long n) {
            this.maxSteps = n;
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

        /** Seeds the data order and the engine's dropout generator. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Print a per-epoch metrics summary (default on). */
        public Builder enableSummary(boolean on) {
            this.enableSummary = on;
            return this;
        }

        /** Where summaries are printed (default {@code System.out}). */
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
                    limitTrain, limitVal, limitTest, limitPredict, checkValEveryNEpoch, numSanityValSteps, seed,
                    enableSummary);
        }

        /** Creates the engine and the Trainer. */
        public Trainer build() {
            TrainerConfig cfg = config();
            com.google.inject.Module base = Modules.combine(
                    Backends.provider(cfg.backend()).guiceModule(), new TrainerModule(cfg, console));
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
