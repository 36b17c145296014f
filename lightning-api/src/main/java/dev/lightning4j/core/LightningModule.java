package dev.lightning4j.core;

import dev.lightning4j.data.Batch;
import dev.lightning4j.metrics.Metric;
import dev.lightning4j.nn.Module;
import dev.lightning4j.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The science of a model, as PyTorch Lightning's {@code LightningModule}: its layers, what one
 * training step computes, how to validate, test and predict, and which optimizer to use. The
 * {@link dev.lightning4j.trainer.Trainer} does the engineering around it.
 *
 * <p>Steps are written with tensor ops only and must not read host values mid-step: on
 * TensorFlow a step is traced once into a graph, so Java control flow runs once at trace time.
 * Log tensors with {@link #log}; the Trainer reads them after the step. The {@code batchIdx} a
 * step receives is for logging and is fixed at trace time on traced engines.
 */
public abstract class LightningModule extends Module implements ModelHooks {
    StepLog activeLog;
    private Map<String, Object> hparams = Map.of();

    /**
     * Records the module's hyper-parameters (JSON-compatible values), as Lightning's
     * {@code save_hyperparameters}: loggers record them and checkpoints keep them.
     */
    protected void saveHyperparameters(Map<String, Object> values) {
        this.hparams = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The hyper-parameters recorded with {@link #saveHyperparameters}. */
    public Map<String, Object> hparams() {
        return hparams;
    }

    /** Computes the loss of one training batch. */
    public abstract Tensor trainingStep(Batch batch, int batchIdx);

    /** Evaluates one validation batch; log what to report. Not overriding it disables validation. */
    public void validationStep(Batch batch, int batchIdx) {
        // No validation unless a subclass defines it.
    }

    /** Evaluates one test batch; log what to report. */
    public void testStep(Batch batch, int batchIdx) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " does not override testStep(Batch, int); define it to run trainer.test");
    }

    /** The prediction for one batch; by default {@code forward(batch.input())}. */
    public Tensor predictStep(Batch batch, int batchIdx) {
        return forward(batch.input());
    }

    /** The optimizer (and, later, schedulers) for this module's parameters. */
    public abstract Optimization configureOptimizers();

    /** Records a scalar metric of the current step with the stage's default options. */
    protected void log(String name, Tensor value) {
        log(name, value, Log.options());
    }

    /** Records a scalar metric of the current step. */
    protected void log(String name, Tensor value, Log options) {
        if (activeLog == null) {
            throw new IllegalStateException("log('" + name + "') was called outside a step; call it from "
                    + "trainingStep, validationStep or testStep while the Trainer runs them");
        }
        activeLog.add(name, value, options);
    }

    /**
     * Records a metric of the current step: its batch statistics are read after the step and
     * accumulated, and the epoch value is computed from all of them (not averaged per batch).
     */
    protected void log(String name, Metric.Update update) {
        log(name, update, Log.options());
    }

    /** Records a metric of the current step with options. */
    protected void log(String name, Metric.Update update, Log options) {
        if (activeLog == null) {
            throw new IllegalStateException("log('" + name + "') was called outside a step; call it from "
                    + "trainingStep, validationStep or testStep while the Trainer runs them");
        }
        activeLog.addMetric(name, update, options);
    }

    /** True when a subclass overrides {@code validationStep}. */
    public final boolean hasValidationStep() {
        return overrides("validationStep");
    }

    /** True when a subclass overrides {@code testStep}. */
    public final boolean hasTestStep() {
        return overrides("testStep");
    }

    private boolean overrides(String method) {
        try {
            return getClass().getMethod(method, Batch.class, int.class).getDeclaringClass() != LightningModule.class;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }
}
