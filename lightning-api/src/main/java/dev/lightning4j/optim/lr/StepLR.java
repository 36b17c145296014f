package dev.lightning4j.optim.lr;

import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.optim.ParamGroup;
import java.util.Map;

/**
 * Multiplies each group's rate by {@code gamma} every {@code stepSize} steps, as
 * {@code torch.optim.lr_scheduler.StepLR}: {@code lr = base_lr * gamma ** (last_epoch // step_size)},
 * computed as torch does by multiplying the current rate at each boundary.
 */
public final class StepLR extends AbstractLRScheduler {
    private int stepSize;
    private double gamma;

    /** Decays by {@code gamma} every {@code stepSize} (>= 1) steps; {@code gamma} must be finite and > 0. */
    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        this.stepSize = StateValues.atLeast("StepLR", "step_size", stepSize, 1);
        this.gamma = StateValues.positive("StepLR", "gamma", gamma);
        initialStep();
    }

    /** torch's default {@code gamma = 0.1}. */
    public StepLR(Optimizer optimizer, int stepSize) {
        this(optimizer, stepSize, 0.1);
    }

    @Override
    protected double computeLr(int groupIndex, ParamGroup group, double lr, double baseLr) {
        if (lastEpoch() == 0 || lastEpoch() % stepSize != 0) {
            return lr;
        }
        return lr * gamma;
    }

    @Override
    protected void writeHyperParameters(Map<String, Object> out) {
        out.put("step_size", stepSize);
        out.put("gamma", gamma);
    }

    @Override
    protected void readHyperParameters(Map<String, Object> state, String who) {
        if (state.containsKey("step_size")) {
            stepSize = StateValues.atLeast(who, "step_size", StateValues.integer(state, "step_size", who), 1);
        }
        if (state.containsKey("gamma")) {
            gamma = StateValues.positive(who, "gamma", StateValues.number(state, "gamma", who));
        }
    }
}
