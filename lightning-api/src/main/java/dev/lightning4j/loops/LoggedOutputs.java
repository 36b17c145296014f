package dev.lightning4j.loops;

import dev.lightning4j.core.Log;
import dev.lightning4j.core.LoggedValue;
import dev.lightning4j.core.StepLog;
import dev.lightning4j.metrics.Metric;
import dev.lightning4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a step logged, as named step outputs plus the options to interpret them after the step:
 * scalars under {@code log/<name>}, metric statistics under {@code metric/<name>/<statistic>}.
 *
 * @param options the options of each logged scalar
 * @param metrics the metric and options of each logged metric
 */
record LoggedOutputs(Map<String, Log> options, Map<String, MetricEntry> metrics) {
    static final String METRIC_PREFIX = "metric/";

    static final LoggedOutputs NONE = new LoggedOutputs(Map.of(), Map.of());

    /**
     * A logged metric.
     *
     * @param metric  the metric object that accumulates on the host
     * @param options the log options
     */
    record MetricEntry(Metric metric, Log options) {
    }

    /** Adds the step's logged tensors to {@code out} and returns how to read them back. */
    static LoggedOutputs collect(StepLog log, Map<String, Tensor> out, boolean detach) {
        Map<String, Log> options = new LinkedHashMap<>();
        for (LoggedValue v : log.values().values()) {
            out.put(StepOutputs.LOG_PREFIX + v.name(), detach ? v.value().detach() : v.value());
            options.put(v.name(), v.options());
        }
        Map<String, MetricEntry> metrics = new LinkedHashMap<>();
        log.metrics().forEach((name, m) -> {
            m.update().statistics().forEach((stat, t) -> out.put(METRIC_PREFIX + name + "/" + stat, t.detach()));
            metrics.put(name, new MetricEntry(m.update().metric(), m.options()));
        });
        return new LoggedOutputs(options, metrics);
    }
}
