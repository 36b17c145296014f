package dev.lightning4j.loops;

import dev.lightning4j.backend.StepContext;
import dev.lightning4j.backend.StepFunction;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Log;
import dev.lightning4j.core.LoggedValue;
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
    private volatile Map<String, Log> logOptions = Map.of();
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
        Map<String, Log> options = new LinkedHashMap<>();
        for (LoggedValue v : log.values().values()) {
            out.put(StepOutputs.LOG_PREFIX + v.name(), v.value().detach());
            options.put(v.name(), v.options());
        }
        logOptions = options;
        return out;
    }

    Map<String, Log> logOptions() {
        return logOptions;
    }
}
