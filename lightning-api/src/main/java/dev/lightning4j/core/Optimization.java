package dev.lightning4j.core;

import dev.lightning4j.optim.Optimizer;
import java.util.Objects;

/**
 * What {@link LightningModule#configureOptimizers()} returns: the optimizer the Trainer steps.
 *
 * @param optimizer the optimizer over the module's parameters
 */
public record Optimization(Optimizer optimizer) {
    /** Requires an optimizer. */
    public Optimization {
        Objects.requireNonNull(optimizer, "configureOptimizers() must return an optimizer");
    }

    /** Optimization with a single optimizer. */
    public static Optimization of(Optimizer optimizer) {
        return new Optimization(optimizer);
    }
}
