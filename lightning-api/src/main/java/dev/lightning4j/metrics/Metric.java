package dev.lightning4j.metrics;

import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.Map;

/**
 * A metric accumulated across batches, as torchmetrics' {@code Metric}, split so that it works
 * on traced engines: inside a step the metric turns a batch's predictions and targets into
 * tensors of sufficient statistics (counts, sums, or the raw values when a metric needs them all);
 * after the step the Trainer reads those on the host and accumulates them. The epoch's value is
 * computed from everything accumulated, not averaged over batches.
 *
 * <p>Log it from a step with {@code log("val_f1", f1Metric.update(preds, target))}.
 */
public abstract class Metric {

    /**
     * The statistics of one batch, as tensors computed inside the step. Names are local to the
     * metric; shapes may vary with the batch size.
     */
    public abstract Map<String, Tensor> batchStatistics(Tensor preds, Tensor target);

    /** Adds one batch's statistics (read back on the host) to the running state. */
    public abstract void accumulate(Map<String, HostArray> statistics);

    /** The value over everything accumulated since the last {@link #reset()}. */
    public abstract double compute();

    /** Clears the running state. */
    public abstract void reset();

    /** A short name for messages. */
    public String name() {
        return getClass().getSimpleName();
    }

    /**
     * Binds predictions and targets of the current step to this metric, for {@code log(name, ...)}.
     *
     * @return the update, to pass to {@code LightningModule.log}
     */
    public final Update update(Tensor preds, Tensor target) {
        return new Update(this, batchStatistics(preds, target));
    }

    /**
     * One step's contribution to a metric.
     *
     * @param metric     the metric
     * @param statistics the batch statistics, as step tensors
     */
    public record Update(Metric metric, Map<String, Tensor> statistics) {
    }
}
