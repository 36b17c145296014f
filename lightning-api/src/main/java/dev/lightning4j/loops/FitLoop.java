package dev.lightning4j.loops;

import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.RunningStage;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.trainer.TrainerConfig;
import dev.lightning4j.trainer.TrainerState;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Epochs of training with validation, as Lightning's {@code _FitLoop}: each epoch runs the
 * training batches, then validates when due, then reports. The step itself is the engine's.
 */
public final class FitLoop {
    private final LoopContext ctx;
    private final LightningModule model;
    private final DataLoader train;
    private final DataLoader val;

    /** A fit of {@code model} on {@code train}, validating on {@code val} (may be null). */
    public FitLoop(LoopContext ctx, LightningModule model, DataLoader train, DataLoader val) {
        this.ctx = ctx;
        this.model = model;
        this.train = train;
        this.val = val;
    }

    /** Runs until max epochs, max steps or a stop request. */
    public void run() {
        TrainerConfig config = ctx.config();
        TrainerState state = ctx.state();
        Optimizer optimizer = model.configureOptimizers().optimizer();
        TrainingStep step = new TrainingStep(model, optimizer);
        boolean validate = val != null && model.hasValidationStep() && config.limitValBatches().apply(val.numBatches()) > 0;
        model.onFitStart();
        try (CompiledStep compiled = ctx.backend().compile("train", ctx.strategy().rootDevice(), step);
             EvaluationLoop validation = validate ? new EvaluationLoop(ctx, model, RunningStage.VALIDATING) : null) {
            if (validation != null && config.numSanityValSteps() != 0) {
                int n = config.numSanityValSteps() < 0 ? val.numBatches() : config.numSanityValSteps();
                validation.sanityCheck(val, Math.min(n, config.limitValBatches().apply(val.numBatches())));
            }
            int maxEpochs = config.effectiveMaxEpochs();
            int trainBatches = config.limitTrainBatches().apply(train.numBatches());
            while (state.currentEpoch() < maxEpochs && !stepLimitReached() && !stopRequested()) {
                long started = System.nanoTime();
                Map<String, Double> trainMetrics = runEpoch(compiled, step, optimizer, trainBatches);
                Map<String, Double> valMetrics = Map.of();
                if (validation != null && (state.currentEpoch() + 1) % config.checkValEveryNEpoch() == 0) {
                    model.onValidationEpochStart();
                    valMetrics = validation.run(val, config.limitValBatches());
                    model.onValidationEpochEnd();
                }
                model.onTrainEpochEnd();
                report(trainMetrics, valMetrics, maxEpochs, (System.nanoTime() - started) / 1e9);
                state.setCurrentEpoch(state.currentEpoch() + 1);
            }
        } finally {
            model.onFitEnd();
        }
    }

    private Map<String, Double> runEpoch(CompiledStep compiled, TrainingStep step, Optimizer optimizer, int maxBatches) {
        TrainerState state = ctx.state();
        model.train(true);
        model.onTrainEpochStart();
        EpochMetrics metrics = new EpochMetrics(RunningStage.TRAINING);
        Iterator<HostBatch> it = train.iterator(state.currentEpoch(), ctx.dataSeed(), 0);
        for (int i = 0; i < maxBatches && it.hasNext() && !stepLimitReached(); i++) {
            HostBatch batch = it.next();
            step.batchIdx = i;
            optimizer.beginStep();
            Map<String, HostArray> out = compiled.run(batch.fields());
            state.incrementGlobalStep();
            state.record(metrics.addStep(out, step.logOptions(), batch.size()), metrics::isProgBar);
        }
        Map<String, Double> epoch = metrics.epochValues();
        state.record(epoch, metrics::isProgBar);
        return epoch;
    }

    /** A stop request counts only once min_epochs are done, as in Lightning. */
    private boolean stopRequested() {
        return ctx.state().shouldStop() && ctx.state().currentEpoch() >= ctx.config().minEpochs();
    }

    private boolean stepLimitReached() {
        long max = ctx.config().maxSteps();
        return max >= 0 && ctx.state().globalStep() >= max;
    }

    private void report(Map<String, Double> train, Map<String, Double> val, int maxEpochs, double seconds) {
        if (!ctx.config().enableSummary() || !ctx.strategy().isGlobalZero()) {
            return;
        }
        Map<String, Double> shown = new LinkedHashMap<>(ctx.state().progressBarMetrics());
        shown.putAll(train);
        shown.putAll(val);
        StringBuilder line = new StringBuilder("Epoch ").append(ctx.state().currentEpoch() + 1);
        if (maxEpochs != Integer.MAX_VALUE) {
            line.append('/').append(maxEpochs);
        }
        line.append(String.format(" | step %d | %.2fs", ctx.state().globalStep(), seconds));
        shown.forEach((k, v) -> line.append(" | ").append(k).append(' ').append(String.format("%.4f", v)));
        ctx.console().println(line);
    }
}
