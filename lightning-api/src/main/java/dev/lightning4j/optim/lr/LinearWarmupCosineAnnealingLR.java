package dev.lightning4j.optim.lr;

import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.optim.ParamGroup;
import java.util.Map;

/**
 * A linear warmup from {@code warmupStartLr} to each group's base rate over {@code warmupEpochs}
 * steps, then cosine annealing down to {@code etaMin} at {@code maxEpochs}, as Lightning-Bolts'
 * {@code pl_bolts.optimizers.lr_scheduler.LinearWarmupCosineAnnealingLR}, with its recursive
 * {@code get_lr()}:
 *
 * <pre>
 * t == 0:               warmup_start_lr
 * t &lt; warmup:           lr + (base_lr - warmup_start_lr) / (warmup - 1)
 * t == warmup:          base_lr
 * (t - 1 - max) % (2 (max - warmup)) == 0:
 *                       lr + (base_lr - eta_min) * (1 - cos(pi / (max - warmup))) / 2
 * otherwise:            (1 + cos(pi (t - warmup) / (max - warmup))) / (1 + cos(pi (t - warmup - 1) / (max - warmup)))
 *                       * (lr - eta_min) + eta_min
 * </pre>
 *
 * As in Bolts, the schedule reaches the base rate at step {@code warmupEpochs} (the warmup has
 * {@code warmupEpochs - 1} increments) and {@code etaMin} at {@code maxEpochs}.
 */
public final class LinearWarmupCosineAnnealingLR extends AbstractLRScheduler {
    private static final String NAME = "LinearWarmupCosineAnnealingLR";
    private int warmupEpochs;
    private int maxEpochs;
    private double warmupStartLr;
    private double etaMin;

    /**
     * Warms up over {@code warmupEpochs} (>= 1) steps and anneals until {@code maxEpochs}
     * (> warmupEpochs); {@code warmupStartLr} and {@code etaMin} are finite and >= 0.
     */
    public LinearWarmupCosineAnnealingLR(Optimizer optimizer, int warmupEpochs, int maxEpochs, double warmupStartLr,
                                         double etaMin) {
        super(optimizer);
        this.warmupEpochs = StateValues.atLeast(NAME, "warmup_epochs", warmupEpochs, 1);
        this.maxEpochs = checkMax(NAME, maxEpochs, warmupEpochs);
        this.warmupStartLr = StateValues.nonNegative(NAME, "warmup_start_lr", warmupStartLr);
        this.etaMin = StateValues.nonNegative(NAME, "eta_min", etaMin);
        initialStep();
    }

    /** Bolts' defaults {@code warmup_start_lr = 0}, {@code eta_min = 0}. */
    public LinearWarmupCosineAnnealingLR(Optimizer optimizer, int warmupEpochs, int maxEpochs) {
        this(optimizer, warmupEpochs, maxEpochs, 0, 0);
    }

    private static int checkMax(String who, int max, int warmup) {
        if (max <= warmup) {
            throw new IllegalArgumentException(who + ": invalid max_epochs " + max + "; expected an integer > warmup_epochs ("
                    + warmup + ")");
        }
        return max;
    }

    @Override
    protected double computeLr(int groupIndex, ParamGroup group, double lr, double baseLr) {
        int t = lastEpoch();
        if (t == 0) {
            return warmupStartLr;
        }
        if (t < warmupEpochs) {
            return lr + (baseLr - warmupStartLr) / (warmupEpochs - 1);
        }
        if (t == warmupEpochs) {
            return baseLr;
        }
        int span = maxEpochs - warmupEpochs;
        if (Math.floorMod(t - 1 - maxEpochs, 2 * span) == 0) {
            return lr + (baseLr - etaMin) * (1 - Math.cos(Math.PI / span)) / 2;
        }
        return (1 + Math.cos(Math.PI * (t - warmupEpochs) / span))
                / (1 + Math.cos(Math.PI * (t - warmupEpochs - 1) / span))
                * (lr - etaMin) + etaMin;
    }

    @Override
    protected void writeHyperParameters(Map<String, Object> out) {
        out.put("warmup_epochs", warmupEpochs);
        out.put("max_epochs", maxEpochs);
        out.put("warmup_start_lr", warmupStartLr);
        out.put("eta_min", etaMin);
    }

    @Override
    protected void readHyperParameters(Map<String, Object> state, String who) {
        int warmup = state.containsKey("warmup_epochs")
                ? StateValues.atLeast(who, "warmup_epochs", StateValues.integer(state, "warmup_epochs", who), 1) : warmupEpochs;
        int max = state.containsKey("max_epochs") ? StateValues.integer(state, "max_epochs", who) : maxEpochs;
        checkMax(who, max, warmup);
        warmupEpochs = warmup;
        maxEpochs = max;
        if (state.containsKey("warmup_start_lr")) {
            warmupStartLr = StateValues.nonNegative(who, "warmup_start_lr", StateValues.number(state, "warmup_start_lr", who));
        }
        if (state.containsKey("eta_min")) {
            etaMin = StateValues.nonNegative(who, "eta_min", StateValues.number(state, "eta_min", who));
        }
    }
}
