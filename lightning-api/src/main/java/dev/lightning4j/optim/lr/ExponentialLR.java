package dev.lightning4j.optim.lr;

import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.optim.ParamGroup;
import java.util.Map;

/**
 * Multiplies each group's rate by {@code gamma} every step, as
 * {@code torch.optim.lr_scheduler.ExponentialLR} ({@code lr = base_lr * gamma ** last_epoch},
 * accumulated step by step as torch does).
 */
public final class ExponentialLR extends AbstractLRScheduler {
    private double gamma;

    /** Decays by {@code gamma} (finite, > 0) every step. */
    public ExponentialLR(Optimizer optimizer, double gamma) {
        super(optimizer);
        this.gamma = StateValues.positive("ExponentialLR", "gamma", gamma);
        initialStep();
    }

    @Override
    protected double computeLr(int groupIndex, ParamGroup group, double lr, double baseLr) {
        return lastEpoch() == 0 ? lr : lr * gamma;
    }

    @Override
    protected void writeHyperParameters(Map<String, Object> out) {
        out.put("gamma", gamma);
    }

    @Override
    protected void readHyperParameters(Map<String, Object> state, String who) {
        if (state.containsKey("gamma")) {
            gamma = StateValues.positive(who, "gamma", StateValues.number(state, "gamma", who));
        }
    }
}
