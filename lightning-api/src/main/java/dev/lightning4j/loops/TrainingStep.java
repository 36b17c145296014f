package dev.lightning4j.loops;

import dev.lightning4j.backend.Gradients;
import dev.lightning4j.backend.StepContext;
import dev.lightning4j.backend.StepFunction;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Log;
import dev.lightning4j.core.LoggedValue;
import dev.lightning4j.core.RunningStage;
import dev.lightning4j.core.StepLog;
import dev.lightning4j.data.Batch;
import dev.lightning4j.nn.Parameter;
import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.tensor.Tensor;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One optimisation step, engine-neutral: the module's loss, its gradients, the optimizer update.
 * Backends run it eagerly or trace it once; only the gradient mechanism differs between them.
 */
final class TrainingStep implements StepFunction {
    private final LightningModule model;
    private final Optimizer optimizer;
    private final List<Parameter> params;
    private final List<Variable> variables;
    private volatile Map<String, Log> logOptions = Map.of();
    int batchIdx;

    TrainingStep(LightningModule model, Optimizer optimizer) {
        this.model = model;
        this.optimizer = optimizer;
        this.params = model.parameters();
        this.variables = params.stream().map(Parameter::variable).toList();
    }

    @Override
    public Map<String, Tensor> apply(StepContext ctx, Map<String, Tensor> inputs) {
        Batch batch = new Batch(inputs);
        StepLog log = new StepLog(RunningStage.TRAINING);
        int idx = batchIdx;
        Gradients g = log.capture(model, () -> ctx.valueAndGrad(() -> checkedLoss(model.trainingStep(batch, idx)), variables));
        Map<Parameter, Tensor> grads = new IdentityHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            grads.put(params.get(i), g.grads().get(i));
        }
        optimizer.step(ctx, grads);
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(StepOutputs.LOSS, g.value());
        Map<String, Log> options = new LinkedHashMap<>();
        for (LoggedValue v : log.values().values()) {
            out.put(StepOutputs.LOG_PREFIX + v.name(), v.value());
            options.put(v.name(), v.options());
        }
        logOptions = options;
        return out;
    }

    private Tensor checkedLoss(Tensor loss) {
        if (loss == null) {
            throw new IllegalStateException(model.getClass().getSimpleName()
                    + ".trainingStep returned null; return the loss tensor");
        }
        if (loss.shape().numel() != 1) {
            throw new IllegalStateException(model.getClass().getSimpleName()
                    + ".trainingStep must return a scalar loss, got shape " + loss.shape() + "; reduce it, e.g. with mean()");
        }
        return loss.rank() == 0 ? loss : loss.reshape();
    }

    /** The options of each name logged by the most recent call (on a traced engine: the trace). */
    Map<String, Log> logOptions() {
        return logOptions;
    }
}
