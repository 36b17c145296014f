package dev.lightning4j.core;

import dev.lightning4j.optim.LRScheduler;
import dev.lightning4j.optim.Optimizer;
import java.util.Objects;

/**
 * What {@link LightningModule#configureOptimizers()} returns: the optimizer and, optionally, a
 * learning-rate scheduler with Lightning's scheduler options.
 *
 * @param optimizer the optimizer over the module's parameters
 * @param scheduler the scheduler, or null
 * @param interval  when the scheduler steps: after every optimizer {@code STEP} or every {@code EPOCH}
 * @param frequency step the scheduler every {@code frequency} intervals
 * @param monitor   the metric a metric-driven scheduler watches (ReduceLROnPlateau), or null
 */
public record Optimization(Optimizer optimizer, LRScheduler scheduler, Interval interval, int frequency, String monitor) {

    /** When a scheduler steps. */
    public enum Interval { STEP, EPOCH }

    /** Validates the combination. */
    public Optimization {
        Objects.requireNonNull(optimizer, "configureOptimizers() must return an optimizer");
        Objects.requireNonNull(interval, "interval");
        if (frequency < 1) {
            throw new IllegalArgumentException("scheduler frequency must be >= 1, got " + frequency);
        }
        if (scheduler != null && scheduler.needsMetric() && monitor == null) {
            throw new IllegalArgumentException(scheduler.getClass().getSimpleName()
                    + " needs a metric: configure it with Optimization.of(optimizer, scheduler).monitor(\"val_loss\")");
        }
    }

    /** Optimization with a single optimizer. */
    public static Optimization of(Optimizer optimizer) {
        return new Optimization(optimizer, null, Interval.EPOCH, 1, null);
    }

    /** An optimizer with a scheduler stepped every epoch (Lightning's default interval). */
    public static Optimization of(Optimizer optimizer, LRScheduler scheduler) {
        return new Optimization(optimizer, Objects.requireNonNull(scheduler, "scheduler"), Interval.EPOCH, 1,
                scheduler.needsMetric() ? "val_loss" : null);
    }

    /** A copy whose scheduler steps at {@code interval}. */
    public Optimization interval(Interval value) {
        return new Optimization(optimizer, scheduler, value, frequency, monitor);
    }

    /** A copy whose scheduler steps every {@code n} intervals. */
    public Optimization frequency(int n) {
        return new Optimization(optimizer, scheduler, interval, n, monitor);
    }

    /** A copy whose scheduler watches {@code metric}. */
    public Optimization monitor(String metric) {
        return new Optimization(optimizer, scheduler, interval, frequency, metric);
    }
}
