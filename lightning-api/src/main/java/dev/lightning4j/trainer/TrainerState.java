package dev.lightning4j.trainer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the Trainer knows about the run in progress: position, metrics, and whether to stop. */
public final class TrainerState {
    private int currentEpoch;
    private long globalStep;
    private boolean shouldStop;
    private boolean sanityChecking;
    private boolean fitting;
    private final Map<String, Double> callbackMetrics = new LinkedHashMap<>();
    private final Map<String, Double> progressBarMetrics = new LinkedHashMap<>();
    private Map<String, Double> lastEvaluation = Map.of();

    /** The epoch being run (0-based); after fit, the number of epochs completed. */
    public int currentEpoch() {
        return currentEpoch;
    }

    /** The number of optimizer steps taken. */
    public long globalStep() {
        return globalStep;
    }

    /**
     * The step that metrics logged now are recorded at, as Lightning's loggers see it
     * ({@code _batches_that_stepped} when they log): during a fit, the index of the latest optimizer
     * step, {@code globalStep - 1} (0 before the first), so that with {@code logEveryNSteps = 50} the
     * rows are at steps 49, 99, ... and a validation or epoch row shares its last batch's step;
     * outside a fit (validate, test), the global step.
     */
    public long loggerStep() {
        return fitting ? Math.max(0, globalStep - 1) : globalStep;
    }

    /** Marks the fit loop's run (for the loops). */
    public void setFitting(boolean on) {
        fitting = on;
    }

    /** True once something (max steps, a callback) asked the fit to end. */
    public boolean shouldStop() {
        return shouldStop;
    }

    /** True while the sanity-check validation runs before training (nothing is recorded then). */
    public boolean sanityChecking() {
        return sanityChecking;
    }

    /** Marks the sanity check (for the loops). */
    public void setSanityChecking(boolean on) {
        sanityChecking = on;
    }

    /** Asks the fit loop to stop after the current step. */
    public void requestStop() {
        shouldStop = true;
    }

    /** The latest value of every metric, as Lightning's {@code callback_metrics}. */
    public Map<String, Double> callbackMetrics() {
        return Collections.unmodifiableMap(callbackMetrics);
    }

    /** The latest values of the metrics logged with {@code progBar}. */
    public Map<String, Double> progressBarMetrics() {
        return Collections.unmodifiableMap(progressBarMetrics);
    }

    /** The epoch metrics of the latest validation or test run alone (no training metrics). */
    public Map<String, Double> lastEvaluation() {
        return lastEvaluation;
    }

    /** Records the latest evaluation's epoch metrics (for the loops). */
    public void setLastEvaluation(Map<String, Double> metrics) {
        lastEvaluation = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** Sets the epoch (for the loops). */
    public void setCurrentEpoch(int epoch) {
        currentEpoch = epoch;
    }

    /** Sets the step count (for the loops, when resuming). */
    public void setGlobalStep(long step) {
        globalStep = step;
    }

    /** Counts an optimizer step (for the loops). */
    public void incrementGlobalStep() {
        globalStep++;
    }

    /** Clears position and metrics before a fit (for the loops). */
    public void resetForFit() {
        currentEpoch = 0;
        globalStep = 0;
        shouldStop = false;
        callbackMetrics.clear();
        progressBarMetrics.clear();
    }

    /** Records metrics, remembering those shown on the progress bar (for the loops). */
    public void record(Map<String, Double> metrics, java.util.function.Predicate<String> progBar) {
        callbackMetrics.putAll(metrics);
        metrics.forEach((k, v) -> {
            if (progBar.test(k)) {
                progressBarMetrics.put(k, v);
            }
        });
    }
}
