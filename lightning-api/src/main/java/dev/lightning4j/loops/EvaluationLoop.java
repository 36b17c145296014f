package dev.lightning4j.loops;

import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.RunningStage;
import dev.lightning4j.data.BatchIterator;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.tensor.HostArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a validation, test or prediction pass over a loader with the module in eval mode, as
 * Lightning's {@code _EvaluationLoop} and {@code _PredictionLoop}. The step is compiled once and
 * reused for every pass (on TensorFlow, one trace).
 */
public final class EvaluationLoop implements AutoCloseable {
    private final LoopContext ctx;
    private final LightningModule model;
    private final RunningStage stage;
    private final EvaluationStep step;
    private final CompiledStep compiled;

    /** Prepares the step of {@code stage} for {@code model}, which must already be on the engine. */
    public EvaluationLoop(LoopContext ctx, LightningModule model, RunningStage stage) {
        this.ctx = ctx;
        this.model = model;
        this.stage = stage;
        this.step = new EvaluationStep(model, stage);
        this.compiled = ctx.backend().compile(stage.label(), ctx.strategy().rootDevice(), step);
    }

    /** Runs up to {@code maxBatches} batches with the stage's hooks, records and returns the epoch metrics. */
    public Map<String, Double> run(DataLoader loader, int maxBatches) {
        return runWithHooks(loader, maxBatches, true);
    }

    /**
     * Runs up to {@code maxBatches} validation batches to catch errors early, with the validation
     * hooks (callbacks can tell by {@code trainer.state().sanityChecking()}) but recording nothing,
     * as Lightning's sanity check.
     */
    public void sanityCheck(DataLoader loader, int maxBatches) {
        Hooks h = ctx.hooks();
        ctx.state().setSanityChecking(true);
        try {
            h.start(c -> c.onSanityCheckStart(h.trainer(), model), null);
            runWithHooks(loader, maxBatches, false);
            h.end(c -> c.onSanityCheckEnd(h.trainer(), model), null);
        } finally {
            ctx.state().setSanityChecking(false);
        }
    }

    private Map<String, Double> runWithHooks(DataLoader loader, int maxBatches, boolean record) {
        Hooks h = ctx.hooks();
        boolean validating = stage == RunningStage.VALIDATING;
        if (validating) {
            h.start(c -> c.onValidationStart(h.trainer(), model), m -> m.onValidationStart());
            h.start(c -> c.onValidationEpochStart(h.trainer(), model), m -> m.onValidationEpochStart());
        } else {
            h.start(c -> c.onTestStart(h.trainer(), model), m -> m.onTestStart());
            h.start(c -> c.onTestEpochStart(h.trainer(), model), m -> m.onTestEpochStart());
        }
        Map<String, Double> epoch = run(loader, maxBatches, record);
        if (record) {
            ctx.state().setLastEvaluation(epoch);
        }
        if (validating) {
            h.end(c -> c.onValidationEpochEnd(h.trainer(), model), m -> m.onValidationEpochEnd());
            h.end(c -> c.onValidationEnd(h.trainer(), model), m -> m.onValidationEnd());
        } else {
            h.end(c -> c.onTestEpochEnd(h.trainer(), model), m -> m.onTestEpochEnd());
            h.end(c -> c.onTestEnd(h.trainer(), model), m -> m.onTestEnd());
        }
        return epoch;
    }

    private Map<String, Double> run(DataLoader loader, int maxBatches, boolean record) {
        EpochMetrics metrics = new EpochMetrics(stage);
        withEvalMode(() -> {
            try (BatchIterator it = loader.iterator(0, ctx.dataSeed(), 0)) {
                // One call per batch: this loop runs interpreted until the JIT replaces it (see FitLoop).
                for (int i = 0; i < maxBatches && it.hasNext(); i++) {
                    evaluate(it.next(), i, metrics, record);
                }
            }
        });
        Map<String, Double> epoch = metrics.epochValues();
        if (record) {
            ctx.state().record(epoch, metrics::isProgBar);
            ctx.logMetrics(withEpoch(epoch), ctx.state().loggerStep());
        }
        return epoch;
    }

    private void evaluate(HostBatch batch, int batchIdx, EpochMetrics metrics, boolean record) {
        Hooks h = ctx.hooks();
        boolean validating = stage == RunningStage.VALIDATING;
        if (validating && h.dispatches(Hooks.BatchHook.VALIDATION_BATCH_START)) {
            h.start(c -> c.onValidationBatchStart(h.trainer(), model, batch, batchIdx), m -> m.onValidationBatchStart(batch, batchIdx));
        }
        step.batchIdx = batchIdx;
        Map<String, HostArray> out = SyncDist.reduce(ctx.strategy(), compiled.run(batch.fields()), step.logged());
        Map<String, Double> stepValues = metrics.addStep(out, step.logged(), batch.size());
        if (record) {
            ctx.state().record(stepValues, metrics::isProgBar);
        }
        if (validating && h.dispatches(Hooks.BatchHook.VALIDATION_BATCH_END)) {
            h.end(c -> c.onValidationBatchEnd(h.trainer(), model, stepValues, batch, batchIdx),
                    m -> m.onValidationBatchEnd(stepValues, batch, batchIdx));
        }
    }

    private Map<String, Double> withEpoch(Map<String, Double> metrics) {
        if (metrics.isEmpty() || stage != RunningStage.VALIDATING) {
            return metrics;
        }
        Map<String, Double> out = new java.util.LinkedHashMap<>(metrics);
        out.put("epoch", (double) ctx.state().currentEpoch());
        return out;
    }

    /** Runs up to {@code maxBatches} prediction batches and returns each batch's prediction. */
    public List<HostArray> predict(DataLoader loader, int maxBatches) {
        Hooks h = ctx.hooks();
        List<HostArray> predictions = new ArrayList<>();
        h.start(c -> c.onPredictStart(h.trainer(), model), m -> m.onPredictStart());
        withEvalMode(() -> {
            try (BatchIterator it = loader.iterator(0, ctx.dataSeed(), 0)) {
                for (int i = 0; i < maxBatches && it.hasNext(); i++) {
                    step.batchIdx = i;
                    predictions.add(compiled.run(it.next().fields()).get(StepOutputs.PREDICTION));
                }
            }
        });
        h.end(c -> c.onPredictEnd(h.trainer(), model), m -> m.onPredictEnd());
        return predictions;
    }

    private void withEvalMode(Runnable body) {
        boolean wasTraining = model.isTraining();
        model.eval();
        try {
            body.run();
        } finally {
            model.train(wasTraining);
        }
    }

    @Override
    public void close() {
        compiled.close();
    }
}
