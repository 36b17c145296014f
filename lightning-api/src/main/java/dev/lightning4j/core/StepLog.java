package dev.lightning4j.core;

import dev.lightning4j.metrics.Metric;
import dev.lightning4j.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The values a module logs during one step (or, on a traced engine, during the one trace of a
 * step). The loop turns them into step outputs and reads them after the step has run.
 */
public final class StepLog {
    private final RunningStage stage;
    private final Map<String, LoggedValue> values = new LinkedHashMap<>();
    private final Map<String, LoggedMetric> metrics = new LinkedHashMap<>();

    /**
     * A metric logged in a step.
     *
     * @param update  the metric and this batch's statistics
     * @param options the log options
     */
    public record LoggedMetric(Metric.Update update, Log options) {
    }

    /** An empty log for a step of {@code stage}. */
    public StepLog(RunningStage stage) {
        this.stage = stage;
    }

    /** The stage the step belongs to. */
    public RunningStage stage() {
        return stage;
    }

    void add(String name, Tensor value, Log options) {
        checkNew(name);
        if (value.shape().rank() != 0 && value.shape().numel() != 1) {
            throw new IllegalArgumentException("log: '" + name + "' must be a scalar (one element), got shape "
                    + value.shape() + "; reduce it first, for example with mean()");
        }
        values.put(name, new LoggedValue(name, value, options));
    }

    void addMetric(String name, Metric.Update update, Log options) {
        checkNew(name);
        metrics.put(name, new LoggedMetric(update, options));
    }

    private void checkNew(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("log: the metric name must not be blank");
        }
        if (values.containsKey(name) || metrics.containsKey(name)) {
            throw new IllegalArgumentException("log: '" + name + "' was logged twice in one " + stage.label()
                    + " step; log each name once per step");
        }
    }

    /** What was logged, by name, in logging order. */
    public Map<String, LoggedValue> values() {
        return Collections.unmodifiableMap(values);
    }

    /** The metrics logged, by name. */
    public Map<String, LoggedMetric> metrics() {
        return Collections.unmodifiableMap(metrics);
    }

    /** Runs {@code body} with {@code module.log(...)} recording into this log. */
    public <T> T capture(LightningModule module, Supplier<T> body) {
        StepLog previous = module.activeLog;
        module.activeLog = this;
        try {
            return body.get();
        } finally {
            module.activeLog = previous;
        }
    }
}
