package dev.lightning4j.cli;

import java.util.List;
import java.util.Map;

/**
 * What one engine's run of {@code lightning compare} measured, as its worker process writes it
 * (JSON) for the parent to compare.
 *
 * @param backend       the engine's name
 * @param losses        the training loss of every step
 * @param stepMillis    the wall time of every training step (ms)
 * @param batchSizes    the examples in every training step
 * @param validations   every validation run (not the sanity check)
 * @param finalMetrics  the Trainer's callback metrics after fit
 * @param peakRssKb     the worker process's peak resident memory (VmHWM, kB), -1 if unknown
 * @param fitSeconds    the wall time of {@code trainer.fit}
 * @param epochs        epochs run
 * @param steps         optimizer steps taken
 */
public record EngineResult(String backend, List<Double> losses, List<Double> stepMillis, List<Integer> batchSizes,
                           List<RunRecorder.Validation> validations, Map<String, Double> finalMetrics, long peakRssKb,
                           double fitSeconds, int epochs, long steps) {

    /** Mean step time in ms, leaving out the first step (warm-up; tracing on graph engines). */
    public double meanStepMillis() {
        if (stepMillis.size() <= 1) {
            return stepMillis.isEmpty() ? Double.NaN : stepMillis.get(0);
        }
        return stepMillis.subList(1, stepMillis.size()).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** The first step's time in ms. */
    public double firstStepMillis() {
        return stepMillis.isEmpty() ? Double.NaN : stepMillis.get(0);
    }

    /** Training examples per second, leaving out the first step. */
    public double throughput() {
        int from = stepMillis.size() > 1 ? 1 : 0;
        double ms = 0;
        long examples = 0;
        for (int i = from; i < stepMillis.size(); i++) {
            ms += stepMillis.get(i);
            examples += batchSizes.get(i);
        }
        return ms > 0 ? examples / (ms / 1000) : Double.NaN;
    }
}
