package dev.lightning4j.benchmarks;

/**
 * A training loop under measurement: opened on a workload (a fresh model from the initial weights),
 * then advanced a block of steps at a time, so that two loops can be run alternately in one process.
 */
interface StepLoop {

    /**
     * The result of a run: wall-clock and process-CPU milliseconds per measured step, the last step's
     * loss and the peak resident memory during the measured steps.
     */
    record Result(double msPerStep, double cpuMsPerStep, double lastLoss, long peakRssBytes) {
    }

    /**
     * One block of steps as the loop timed it itself: wall and process-CPU nanoseconds from the
     * start of its first step to the end of its last, and the last step's loss.
     */
    record Block(long wallNanos, long cpuNanos, double lastLoss) {
        /** Times {@code n} calls of {@code step}, each one training step returning its loss, as one block. */
        static Block timed(int n, java.util.function.DoubleSupplier step) {
            long t0 = System.nanoTime();
            long c0 = Proc.cpuNanos();
            double lastLoss = Double.NaN;
            for (int k = 0; k < n; k++) {
                lastLoss = step.getAsDouble();
            }
            return new Block(System.nanoTime() - t0, Proc.cpuNanos() - c0, lastLoss);
        }
    }

    /** An opened loop. Batches are taken in order, cycling through the workload's batches. */
    interface Stepper extends AutoCloseable {
        /** Runs the next {@code n} training steps. */
        Block steps(int n);

        /**
         * Runs other work on the thread this loop trains on (the caller's, unless the loop owns a
         * thread), so that two interleaved loops run on the same thread and neither gains from the
         * scheduler placing its thread better.
         */
        default <T> T onOwnThread(java.util.function.Supplier<T> work) {
            return work.get();
        }

        @Override
        void close();
    }

    /** Builds the model from the workload's initial weights, ready for its first step. */
    Stepper open(Workload w);

    /**
     * Trains a fresh model for {@code seconds} of wall time and discards it: run once per loop and
     * workload before anything is measured, so that the JIT has compiled the loop's code (a loop with
     * more Java code, such as the Trainer's, would otherwise be measured while the compiler still
     * runs beside it; its compilations taper off after about 8 s, as {@code -XX:+PrintCompilation}
     * shows), as JMH's warm-up iterations do.
     */
    default void warmUpJit(Workload w, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        try (Stepper s = open(w)) {
            while (System.nanoTime() < end) {
                s.steps(10);
            }
        }
    }

    /** Trains a fresh model for {@code warmup + steps} steps, timing the last {@code steps}. */
    default Result run(Workload w, int warmup, int steps) {
        try (Stepper s = open(w)) {
            s.steps(warmup);
            Proc.resetPeakRss();
            Block b = s.steps(steps);
            return new Result(b.wallNanos() / 1e6 / steps, b.cpuNanos() / 1e6 / steps, b.lastLoss(), Proc.peakRss());
        }
    }
}
