package dev.lightning4j.loops;

import dev.lightning4j.backend.StepContext;
import dev.lightning4j.backend.StepFunction;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.RunningStage;
import dev.lightning4j.core.StepLog;
import dev.lightning4j.data.Batch;
import dev.lightning4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** A validation, test or prediction step: no gradients, outputs are logged values or predictions. */
final class EvaluationStep implements StepFunction {
    private final LightningModule model;
    private final RunningStage stage;
    private volatile LoggedOutputs logged = LoggedOutputs.NONE;
    int batchIdx;

    EvaluationStep(LightningModule model, RunningStage stage) {
        this.model = model;
        this.stage = stage;
    }

    @Override
    public Map<String, Tensor> apply(StepContext ctx, Map<String, Tensor> inputs) {
        Batch batch = new Batch(inputs);
        StepLog log = new StepLog(stage);
        int idx = batchIdx;
        Map<String, Tensor> out = new LinkedHashMap<>();
        log.capture(model, () -> {
            switch (stage) {
                case VALIDATING, SANITY_CHECKING -> model.validationStep(batch, idx);
                case TESTING -> model.testStep(batch, idx);
                case PREDICTING -> {
                    Tensor prediction = model.predictStep(batch, idx);
                    if (prediction == null) {
                        throw new IllegalStateException(model.getClass().getSimpleName() + ".predictStep returned null");
                    }
                    out.put(StepOutputs.PREDICTION, prediction);
                }
                default -> throw new IllegalStateException("not an evaluation stage: " + stage);
            }
            return null;
        });
        logged = LoggedOutputs.collect(log, out, true);
        return out;
    }

    /** What the most recent call logged (on a traced engine: the trace). */
    LoggedOutputs logged() {
        return logged;
    }
}
