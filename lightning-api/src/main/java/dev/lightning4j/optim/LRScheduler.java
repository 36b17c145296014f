package dev.lightning4j.optim;

import java.util.List;
import java.util.Map;

/**
 * Changes an optimizer's learning rates between steps, as {@code torch.optim.lr_scheduler}.
 * Schedulers run on the host; a traced step reads the new rate as a per-run scalar.
 */
public interface LRScheduler {

    /** Advances one interval (a step or an epoch, as configured). */
    void step();

    /** Advances with a monitored metric; only metric-driven schedulers (ReduceLROnPlateau) use it. */
    default void step(double metric) {
        step();
    }

    /** True when {@link #step(double)} needs a monitored metric. */
    default boolean needsMetric() {
        return false;
    }

    /** The learning rate of each param group after the latest step, as {@code get_last_lr()}. */
    List<Double> lastLr();

    /** The scheduler's position and internal values (JSON-compatible), for checkpoints. */
    Map<String, Object> stateDict();

    /** Restores state written by {@link #stateDict()}. */
    void loadStateDict(Map<String, Object> state);
}
