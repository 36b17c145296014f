package dev.lightning4j.benchmarks;

/** One measured run of a training loop: a fresh model from the initial weights, then steps. */
interface StepLoop {

    /**
     * The result of a run: wall-clock and process-CPU milliseconds per measured step, the last step's
     * loss and the peak resident memory during the measured steps.
     */
    record Result(double msPerStep, double cpuMsPerStep, double lastLoss, long peakRssBytes) {
    }

    /**
     * Trains a fresh model for {@code warmup + steps} steps, timing the last {@code steps}. Batches
     * are taken in order, cycling through the workload's batches.
     */
    Result run(Workload w, int warmup, int steps);
}
