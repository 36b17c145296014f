package dev.lightning4j.loops;

import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.ModelHooks;
import dev.lightning4j.core.Optimization;
import dev.lightning4j.core.RunningStage;
import dev.lightning4j.data.BatchIterator;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.loops.Hooks.BatchHook;
import dev.lightning4j.optim.LRScheduler;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.trainer.BatchLimit;
import dev.lightning4j.trainer.TrainerConfig;
import dev.lightning4j.trainer.TrainerState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Epochs of training with validation, as Lightning's {@code _FitLoop} and
 * {@code _TrainingEpochLoop}: each epoch runs the training batches (validating when the
 * interval is due), steps epoch-interval schedulers, and reports. The gradient step itself is the
 * engine's; everything around it is here, once for every engine.
 */
public final class FitLoop implements AutoCloseable {
    private final LoopContext ctx;
    private final LightningModule model;
    private final DataLoader train;
    private final DataLoader val;
    private final Optimization optimization;
    private final List<Variable> accumulators;
    private final TrainingStep updateStep;
    private final TrainingStep accumulateStep;
    private final CompiledStep compiledUpdate;
    private final CompiledStep compiledAccumulate;
    private final EvaluationLoop validation;
    private final int trainBatches;
    private final int valBatches;
    private final long startNanos = System.nanoTime();
    private FitProgress progress = FitProgress.START;
    private int schedulerIntervals;

    /**
     * A fit of {@code model} on {@code train}, validating on {@code val} (may be null), with the
     * model already on the engine and {@code optimization} from its {@code configureOptimizers()}.
     */
    public FitLoop(LoopContext ctx, LightningModule model, DataLoader train, DataLoader val, Optimization optimization,
                   BatchLimit trainLimit, BatchLimit valLimit) {
        this.ctx = ctx;
        this.model = model;
        this.train = train;
        this.optimization = optimization;
        TrainerConfig config = ctx.config();
        this.trainBatches = trainLimit.apply(train.numBatches());
        int vb = val == null ? 0 : valLimit.apply(val.numBatches());
        boolean validate = val != null && model.hasValidationStep() && vb > 0;
        this.val = validate ? val : null;
        this.valBatches = vb;
        this.accumulators = TrainingStep.newAccumulators(model, config.accumulateGradBatches());
        this.updateStep = new TrainingStep(model, optimization.optimizer(), config, true, accumulators,
                ctx.strategy().gradientSynchronizer());
        this.compiledUpdate = ctx.backend().compile("train", ctx.strategy().rootDevice(), updateStep);
        if (config.accumulateGradBatches() > 1) {
            this.accumulateStep = new TrainingStep(model, optimization.optimizer(), config, false, accumulators);
            this.compiledAccumulate = ctx.backend().compile("train_accumulate", ctx.strategy().rootDevice(), accumulateStep);
        } else {
            this.accumulateStep = null;
            this.compiledAccumulate = null;
        }
        this.validation = validate ? new EvaluationLoop(ctx, model, RunningStage.VALIDATING) : null;
    }

    /** The optimizer and scheduler in use. */
    public Optimization optimization() {
        return optimization;
    }

    /** The seed of this fit's data order (saved in checkpoints so a resume sees the same batches). */
    public long dataSeed() {
        return ctx.dataSeed();
    }

    /** Training batches per epoch after limits. */
    public int trainBatches() {
        return trainBatches;
    }

    /** Where the fit stands. */
    public FitProgress progress() {
        return progress;
    }

    /** Continues from a checkpoint's position instead of the start. */
    public void resumeFrom(FitProgress saved, int schedulerSteps) {
        this.progress = saved.resumePoint();
        this.schedulerIntervals = schedulerSteps;
        ctx.state().setCurrentEpoch(progress.epoch());
        ctx.state().setGlobalStep(saved.globalStep());
    }

    /** Scheduler intervals counted so far (for its frequency), for checkpoints. */
    public int schedulerIntervals() {
        return schedulerIntervals;
    }

    /** Runs until max epochs, max steps, max time or a stop request. */
    public void run() {
        ctx.state().setFitting(true);
        try {
            fit();
        } finally {
            ctx.state().setFitting(false);
        }
    }

    private void fit() {
        TrainerConfig config = ctx.config();
        TrainerState state = ctx.state();
        Hooks h = ctx.hooks();
        h.start(c -> c.onFitStart(h.trainer(), model), m -> m.onFitStart());
        if (validation != null && config.numSanityValSteps() != 0 && progress.equals(FitProgress.START) && config.fastDevRun() == 0) {
            int n = config.numSanityValSteps() < 0 ? valBatches : Math.min(config.numSanityValSteps(), valBatches);
            validation.sanityCheck(val, n);
        }
        h.start(c -> c.onTrainStart(h.trainer(), model), m -> m.onTrainStart());
        int maxEpochs = config.effectiveMaxEpochs();
        while (state.currentEpoch() < maxEpochs && !stepLimitReached() && !stopRequested()) {
            runEpoch();
            state.setCurrentEpoch(state.currentEpoch() + 1);
        }
        h.end(c -> c.onTrainEnd(h.trainer(), model), m -> m.onTrainEnd());
        h.end(c -> c.onFitEnd(h.trainer(), model), m -> m.onFitEnd());
    }

    private void runEpoch() {
        int epoch = ctx.state().currentEpoch();
        int first = progress.epoch() == epoch ? progress.nextBatch() : 0;
        EpochMetrics metrics = startEpoch(epoch, first);
        int valEvery = valEvery(epoch);
        try (BatchIterator it = train.iterator(epoch, ctx.dataSeed(), first)) {
            runBatches(it, first, metrics, valEvery);
        }
        endEpoch(epoch, metrics);
    }

    private EpochMetrics startEpoch(int epoch, int first) {
        Hooks h = ctx.hooks();
        progress = new FitProgress(epoch, first, false, ctx.state().globalStep());
        model.train(true);
        h.start(c -> c.onTrainEpochStart(h.trainer(), model), m -> m.onTrainEpochStart());
        return new EpochMetrics(RunningStage.TRAINING);
    }

    /** Batches between validation runs in this epoch; 0 when it does not validate. */
    private int valEvery(int epoch) {
        TrainerConfig config = ctx.config();
        if (validation == null || (epoch + 1) % config.checkValEveryNEpoch() != 0) {
            return 0;
        }
        return Math.max(1, config.valCheckInterval().count() > 0
                ? config.valCheckInterval().count() : (int) Math.floor(trainBatches * config.valCheckInterval().fraction()));
    }

    /**
     * The epoch's batches. The loop runs once per epoch, so the JIT compiles it late (by on-stack
     * replacement) and it runs interpreted until then; its body is one call, so everything done per
     * batch is in methods compiled after a few hundred batches. It is a method of its own so that
     * the late compilation covers this loop only: compiled with the epoch's start and end, it had cost
     * the JIT ~85 ms of CPU mid-training, taken from the engine's threads on two cores.
     */
    private void runBatches(BatchIterator it, int first, EpochMetrics metrics, int valEvery) {
        for (int i = first; i < trainBatches && it.hasNext(); i++) {
            if (!trainOn(it.next(), i, metrics, valEvery)) {
                break;
            }
        }
    }

    private void endEpoch(int epoch, EpochMetrics metrics) {
        TrainerState state = ctx.state();
        Hooks h = ctx.hooks();
        Map<String, Double> epochValues = metrics.epochValues();
        state.record(epochValues, metrics::isProgBar);
        if (optimization.scheduler() != null && optimization.interval() == Optimization.Interval.EPOCH) {
            stepScheduler();
        }
        progress = new FitProgress(epoch, progress.nextBatch(), true, state.globalStep());
        h.end(c -> c.onTrainEpochEnd(h.trainer(), model), m -> m.onTrainEpochEnd());
        Map<String, Double> logged = new LinkedHashMap<>(epochValues);
        if (!logged.isEmpty()) {
            logged.put("epoch", (double) epoch);
            ctx.logMetrics(logged, state.loggerStep());
        }
    }

    /**
     * Trains on one batch, validates when {@code valEvery} (0: not this epoch) says so, and returns
     * whether the epoch goes on.
     */
    private boolean trainOn(HostBatch batch, int batchIdx, EpochMetrics metrics, int valEvery) {
        runBatch(batch, batchIdx, metrics);
        if (valEvery > 0 && (batchIdx + 1) % valEvery == 0) {
            validate();
        }
        return !(stepLimitReached() || timeLimitReached() || stopRequested());
    }

    private void runBatch(HostBatch batch, int batchIdx, EpochMetrics metrics) {
        TrainerConfig config = ctx.config();
        TrainerState state = ctx.state();
        Hooks h = ctx.hooks();
        if (h.dispatches(BatchHook.TRAIN_BATCH_START)) {
            h.start(c -> c.onTrainBatchStart(h.trainer(), model, batch, batchIdx), m -> m.onTrainBatchStart(batch, batchIdx));
        }
        boolean update = accumulateStep == null || (batchIdx + 1) % config.accumulateGradBatches() == 0
                || batchIdx + 1 == trainBatches;
        TrainingStep step = update ? updateStep : accumulateStep;
        CompiledStep compiled = update ? compiledUpdate : compiledAccumulate;
        step.batchIdx = batchIdx;
        if (update) {
            optimization.optimizer().beginStep();
        }
        Map<String, HostArray> out = SyncDist.reduce(ctx.strategy(), compiled.run(batch.fields()), step.logged());
        double loss = out.get(StepOutputs.LOSS).item();
        checkFinite(loss, "the training loss", batchIdx);
        HostArray gradNorm = out.get(TrainingStep.GRAD_NORM);
        if (config.detectAnomaly() && gradNorm != null) {
            checkFinite(gradNorm.item(), "the gradients' total norm", batchIdx);
        }
        if (h.dispatches(BatchHook.BEFORE_BACKWARD)) {
            h.start(c -> c.onBeforeBackward(h.trainer(), model, loss), m -> m.onBeforeBackward(loss));
        }
        if (h.dispatches(BatchHook.AFTER_BACKWARD)) {
            h.start(c -> c.onAfterBackward(h.trainer(), model), ModelHooks::onAfterBackward);
        }
        if (update) {
            if (h.dispatches(BatchHook.BEFORE_OPTIMIZER_STEP)) {
                h.start(c -> c.onBeforeOptimizerStep(h.trainer(), model), ModelHooks::onBeforeOptimizerStep);
            }
            state.incrementGlobalStep();
            if (optimization.scheduler() != null && optimization.interval() == Optimization.Interval.STEP) {
                stepScheduler();
            }
        }
        // The batch is done: checkpoints saved from the hooks below resume after it.
        progress = new FitProgress(progress.epoch(), batchIdx + 1, false, state.globalStep());
        Map<String, Double> stepValues = metrics.addStep(out, step.logged(), batch.size());
        state.record(stepValues, metrics::isProgBar);
        if (update && state.globalStep() % config.logEveryNSteps() == 0 && !stepValues.isEmpty()) {
            ctx.logMetrics(stepValues, state.loggerStep());
        }
        if (h.dispatches(BatchHook.TRAIN_BATCH_END)) {
            h.end(c -> c.onTrainBatchEnd(h.trainer(), model, stepValues, batch, batchIdx),
                    m -> m.onTrainBatchEnd(stepValues, batch, batchIdx));
        }
    }

    private void validate() {
        validation.run(val, valBatches);
        model.train(true);
    }

    private void stepScheduler() {
        schedulerIntervals++;
        if (schedulerIntervals % optimization.frequency() != 0) {
            return;
        }
        LRScheduler scheduler = optimization.scheduler();
        if (scheduler.needsMetric()) {
            Double metric = ctx.state().callbackMetrics().get(optimization.monitor());
            if (metric == null) {
                throw new IllegalStateException(scheduler.getClass().getSimpleName() + " monitors '" + optimization.monitor()
                        + "', which was not logged; available metrics: " + ctx.state().callbackMetrics().keySet());
            }
            scheduler.step(metric);
        } else {
            scheduler.step();
        }
    }

    private void checkFinite(double value, String what, int batchIdx) {
        if (!Double.isFinite(value)) {
            throw new NonFiniteValueException(String.format(
                    "%s is %s at global step %d (epoch %d, batch %d); training stopped. Checkpoints written before "
                            + "this step are intact. Lower the learning rate, clip gradients (gradientClipVal) or check the data.",
                    what, value, ctx.state().globalStep() + 1, ctx.state().currentEpoch(), batchIdx));
        }
    }

    /** A stop request counts only once min_epochs are done, as in Lightning. */
    private boolean stopRequested() {
        return ctx.state().shouldStop() && ctx.state().currentEpoch() >= ctx.config().minEpochs();
    }

    private boolean stepLimitReached() {
        long max = ctx.config().fastDevRun() > 0 ? ctx.config().fastDevRun() : ctx.config().maxSteps();
        return max >= 0 && ctx.state().globalStep() >= max;
    }

    private boolean timeLimitReached() {
        if (ctx.config().maxTime() != null && System.nanoTime() - startNanos >= ctx.config().maxTime().toNanos()) {
            ctx.state().requestStop();
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        compiledUpdate.close();
        if (compiledAccumulate != null) {
            compiledAccumulate.close();
        }
        if (validation != null) {
            validation.close();
        }
        accumulators.forEach(Variable::close);
    }
}
