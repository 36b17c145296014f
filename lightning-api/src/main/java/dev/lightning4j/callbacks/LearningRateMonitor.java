package dev.lightning4j.callbacks;

import dev.lightning4j.core.LightningModule;
import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.optim.ParamGroup;
import dev.lightning4j.trainer.Trainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Logs the learning rate of each param group, as Lightning's {@code LearningRateMonitor}: named
 * {@code lr-<Optimizer>} (with {@code /pg<n>} suffixes when there are several groups), every step
 * or every epoch.
 */
public final class LearningRateMonitor implements Callback {
    /** When to log. */
    public enum Interval { STEP, EPOCH }

    private final Interval interval;

    /** Logs at every optimizer step. */
    public LearningRateMonitor() {
        this(Interval.STEP);
    }

    /** Logs at the given interval. */
    public LearningRateMonitor(Interval interval) {
        this.interval = interval;
    }

    @Override
    public void onTrainBatchStart(Trainer trainer, LightningModule module, dev.lightning4j.data.HostBatch batch, int batchIdx) {
        if (interval == Interval.STEP) {
            log(trainer);
        }
    }

    @Override
    public void onTrainEpochStart(Trainer trainer, LightningModule module) {
        if (interval == Interval.EPOCH) {
            log(trainer);
        }
    }

    /** The learning rates as they would be logged now. */
    public static Map<String, Double> learningRates(Optimizer optimizer) {
        Map<String, Double> out = new LinkedHashMap<>();
        List<ParamGroup> groups = optimizer.paramGroups();
        String base = "lr-" + optimizer.getClass().getSimpleName();
        for (int i = 0; i < groups.size(); i++) {
            out.put(groups.size() == 1 ? base : base + "/pg" + (i + 1), groups.get(i).lr());
        }
        return out;
    }

    private void log(Trainer trainer) {
        Optimizer optimizer = trainer.optimizer();
        if (optimizer != null) {
            Map<String, Double> lrs = learningRates(optimizer);
            trainer.loggers().forEach(l -> l.logMetrics(lrs, trainer.globalStep()));
            trainer.state().record(lrs, k -> false);
        }
    }
}
