package dev.lightning4j.optim.lr;

import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.optim.ParamGroup;
import java.util.Map;

/**
 * Cosine annealing from each group's base rate down to {@code etaMin} over {@code tMax} steps and
 * back up (a period of {@code 2 * tMax}), as {@code torch.optim.lr_scheduler.CosineAnnealingLR}.
 * The values follow torch's recursive form:
 *
 * <pre>
 * lr_t = (1 + cos(pi * t / T_max)) / (1 + cos(pi * (t - 1) / T_max)) * (lr_{t-1} - eta_min) + eta_min
 * lr_t = lr_{t-1} + (base_lr - eta_min) * (1 - cos(pi / T_max)) / 2     when (t - 1 - T_max) % (2 T_max) == 0
 * </pre>
 *
 * which equals the closed form {@code eta_min + (base_lr - eta_min) * (1 + cos(pi t / T_max)) / 2}
 * up to double rounding. Cosines use {@link Math#cos}: Python's {@code math.cos} is the C
 * library's, and HotSpot's intrinsic agrees with glibc on the schedules' arguments where
 * {@link StrictMath#cos} (fdlibm) is one ulp off (cos(4 pi / 5), for example).
 */
public final class CosineAnnealingLR extends AbstractLRScheduler {
    private int tMax;
    private double etaMin;

    /** Anneals over {@code tMax} (>= 1) steps down to {@code etaMin} (finite, >= 0). */
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super(optimizer);
        this.tMax = StateValues.atLeast("CosineAnnealingLR", "T_max", tMax, 1);
        this.etaMin = StateValues.nonNegative("CosineAnnealingLR", "eta_min", etaMin);
        initialStep();
    }

    /** torch's default {@code eta_min = 0}. */
    public CosineAnnealingLR(Optimizer optimizer, int tMax) {
        this(optimizer, tMax, 0);
    }

    @Override
    protected double computeLr(int groupIndex, ParamGroup group, double lr, double baseLr) {
        int t = lastEpoch();
        if (t == 0) {
            return lr;
        }
        if (stepCount() == 1 && t > 0) {
            // torch's branch for a scheduler resumed with last_epoch > -1 (here: a loaded state with
            // _step_count 0); it restarts the recursion from the closed form.
            return etaMin + (baseLr - etaMin) * (1 + Math.cos(t * Math.PI / tMax)) / 2;
        }
        // Python's % is a floor modulo; (t - 1 - T_max) is negative before the first minimum.
        if (Math.floorMod(t - 1 - tMax, 2 * tMax) == 0) {
            return lr + (baseLr - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
        }
        return (1 + Math.cos(Math.PI * t / tMax)) / (1 + Math.cos(Math.PI * (t - 1) / tMax))
                * (lr - etaMin) + etaMin;
    }

    @Override
    protected void writeHyperParameters(Map<String, Object> out) {
        out.put("T_max", tMax);
        out.put("eta_min", etaMin);
    }

    @Override
    protected void readHyperParameters(Map<String, Object> state, String who) {
        if (state.containsKey("T_max")) {
            tMax = StateValues.atLeast(who, "T_max", StateValues.integer(state, "T_max", who), 1);
        }
        if (state.containsKey("eta_min")) {
            etaMin = StateValues.nonNegative(who, "eta_min", StateValues.number(state, "eta_min", who));
        }
    }
}
