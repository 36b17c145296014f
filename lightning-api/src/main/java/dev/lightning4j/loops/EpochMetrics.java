package dev.lightning4j.loops;

import dev.lightning4j.core.Log;
import dev.lightning4j.core.RunningStage;
import dev.lightning4j.tensor.HostArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns the values logged by each step of a stage into Lightning's metrics: step values, and
 * epoch values reduced as a mean weighted by batch size, with {@code _step}/{@code _epoch}
 * suffixes when both are on. Logged {@link dev.lightning4j.metrics.Metric}s accumulate their
 * batch statistics and compute the epoch value from all of them.
 */
final class EpochMetrics {
    private final RunningStage stage;
    private final Map<String, double[]> sums = new LinkedHashMap<>();
    private final Map<String, Log> options = new LinkedHashMap<>();
    private final Map<String, LoggedOutputs.MetricEntry> metrics = new LinkedHashMap<>();

    EpochMetrics(RunningStage stage) {
        this.stage = stage;
    }

    /**
     * Records one step's outputs and returns its step-level metrics (those logged with
     * {@code onStep}), named as Lightning names them.
     */
    Map<String, Double> addStep(Map<String, HostArray> outputs, LoggedOutputs logged, int batchSize) {
        Map<String, Double> stepValues = addStep(outputs, logged.options(), batchSize);
        logged.metrics().forEach((name, entry) -> {
            Map<String, HostArray> stats = new LinkedHashMap<>();
            String prefix = LoggedOutputs.METRIC_PREFIX + name + "/";
            outputs.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    stats.put(k.substring(prefix.length()), v);
                }
            });
            if (metrics.putIfAbsent(name, entry) == null) {
                entry.metric().reset();
            }
            entry.metric().accumulate(stats);
            Log opt = entry.options();
            options.put(name, opt);
            if (opt.onStepIn(stage)) {
                stepValues.put(opt.onEpochIn(stage) ? name + "_step" : name, entry.metric().compute());
            }
        });
        return stepValues;
    }

    /** Records scalar values only (for tests and callers without metrics). */
    Map<String, Double> addStep(Map<String, HostArray> outputs, Map<String, Log> logOptions, int batchSize) {
        Map<String, Double> stepValues = new LinkedHashMap<>();
        for (Map.Entry<String, Log> e : logOptions.entrySet()) {
            HostArray value = outputs.get(StepOutputs.LOG_PREFIX + e.getKey());
            if (value == null) {
                continue;
            }
            double v = value.item();
            Log opt = e.getValue();
            options.put(e.getKey(), opt);
            boolean onStep = opt.onStepIn(stage);
            boolean onEpoch = opt.onEpochIn(stage);
            if (onStep) {
                stepValues.put(onEpoch ? e.getKey() + "_step" : e.getKey(), v);
            }
            if (onEpoch) {
                double[] acc = sums.computeIfAbsent(e.getKey(), k -> new double[2]);
                acc[0] += v * batchSize;
                acc[1] += batchSize;
            }
        }
        return stepValues;
    }

    /** The epoch-level metrics (means weighted by batch size). */
    Map<String, Double> epochValues() {
        Map<String, Double> out = new LinkedHashMap<>();
        sums.forEach((name, acc) -> {
            Log opt = options.get(name);
            String key = opt.onStepIn(stage) ? name + "_epoch" : name;
            out.put(key, acc[1] == 0 ? Double.NaN : acc[0] / acc[1]);
        });
        metrics.forEach((name, entry) -> {
            if (entry.options().onEpochIn(stage)) {
                out.put(entry.options().onStepIn(stage) ? name + "_epoch" : name, entry.metric().compute());
            }
        });
        return out;
    }

    /** Names of metrics logged with {@code progBar}. */
    boolean isProgBar(String metric) {
        String base = metric.endsWith("_step") ? metric.substring(0, metric.length() - 5)
                : metric.endsWith("_epoch") ? metric.substring(0, metric.length() - 6) : metric;
        Log opt = options.get(base);
        return opt != null && opt.isProgBar();
    }
}
