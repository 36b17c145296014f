package dev.lightning4j.loops;

import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.RunningStage;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.trainer.BatchLimit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Runs a validation, test or prediction pass over a loader with the module in eval mode, as
 * Lightning's {@code _EvaluationLoop} and {@code _PredictionLoop}.
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

    /** Runs up to {@code limit} batches and returns the epoch-level metrics. */
    public Map<String, Double> run(DataLoader loader, BatchLimit limit) {
        return run(loader, limit.apply(loader.numBatches()));
    }

    /** Runs up to {@code maxBatches} batches, records and returns the epoch-level metrics. */
    public Map<String, Double> run(DataLoader loader, int maxBatches) {
        return run(loader, maxBatches, true);
    }

    /** Runs up to {@code maxBatches} batches to catch errors early, recording nothing (Lightning's sanity check). */
    public void sanityCheck(DataLoader loader, int maxBatches) {
        run(loader, maxBatches, false);
    }

    private Map<String, Double> run(DataLoader loader, int maxBatches, boolean record) {
        EpochMetrics metrics = new EpochMetrics(stage);
        withEvalMode(() -> {
            Iterator<HostBatch> it = loader.iterator(0, ctx.dataSeed(), 0);
            for (int i = 0; i < maxBatches && it.hasNext(); i++) {
                HostBatch batch = it.next();
                step.batchIdx = i;
                Map<String, HostArray> out = compiled.run(batch.fields());
                Map<String, Double> stepValues = metrics.addStep(out, step.logOptions(), batch.size());
                if (record) {
                    ctx.state().record(stepValues, metrics::isProgBar);
                }
            }
        });
        Map<String, Double> epoch = metrics.epochValues();
        if (record) {
            ctx.state().record(epoch, metrics::isProgBar);
        }
        return epoch;
    }

    /** Runs up to {@code maxBatches} prediction batches and returns each batch's prediction. */
    public List<HostArray> predict(DataLoader loader, int maxBatches) {
        List<HostArray> predictions = new ArrayList<>();
        withEvalMode(() -> {
            Iterator<HostBatch> it = loader.iterator(0, ctx.dataSeed(), 0);
            for (int i = 0; i < maxBatches && it.hasNext(); i++) {
                step.batchIdx = i;
                predictions.add(compiled.run(it.next().fields()).get(StepOutputs.PREDICTION));
            }
        });
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
