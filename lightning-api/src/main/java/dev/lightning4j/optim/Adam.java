package dev.lightning4j.optim;

import dev.lightning4j.backend.Kernels.BinaryOp;
import dev.lightning4j.nn.Parameter;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam, matching {@code torch.optim.Adam} (single-tensor implementation), with L2 weight decay
 * added to the gradient and optional AMSGrad:
 *
 * <pre>
 * g = g + weight_decay * p
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g * g
 * vmax = max(vmax, v)                                   (amsgrad)
 * p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * The step count {@code t} is {@link #stepCount()}; the bias corrections are computed on the host
 * in double for every run, as PyTorch computes them in Python. Group options: {@code lr},
 * {@code beta1}, {@code beta2}, {@code eps}, {@code weight_decay}. State: {@code exp_avg},
 * {@code exp_avg_sq}, {@code max_exp_avg_sq}.
 */
public class Adam extends Optimizer {
    private final boolean amsgrad;
    private final boolean decoupledWeightDecay;
    private final StepScalars scalars = new StepScalars();

    /** Adam with learning rate {@code lr} and torch's other defaults (betas 0.9, 0.999, eps 1e-8). */
    public Adam(List<Parameter> params, double lr) {
        this(params, new Options(lr, 0.9, 0.999, 1e-8, 0, false));
    }

    /** Adam with the given options. */
    public Adam(List<Parameter> params, Options options) {
        this(params, options, false, "Adam");
    }

    /** For {@link AdamW}: the same update with decay applied to the weights instead of the gradient. */
    Adam(List<Parameter> params, Options options, boolean decoupledWeightDecay, String name) {
        super(params, options.validate(name).toMap());
        this.amsgrad = options.amsgrad();
        this.decoupledWeightDecay = decoupledWeightDecay;
    }

    /** A builder for {@code params}. */
    public static Builder builder(List<Parameter> params) {
        return new Builder(params, 0.0);
    }

    /** True when AMSGrad keeps the maximum of the second moments. */
    public boolean amsgrad() {
        return amsgrad;
    }

    @Override
    protected void updateParameter(Hyper h, Parameter p, Tensor grad) {
        if (stepCount() < 1) {
            throw new IllegalStateException(getClass().getSimpleName()
                    + ": step(...) ran before beginStep(); the bias corrections need a step count of at least 1");
        }
        Tensor param = p.value();
        DType dt = param.dtype();
        Tensor g = grad;
        Tensor decay = null;
        if (h.value("weight_decay") != 0) {
            if (decoupledWeightDecay) {
                decay = scalars.perRun(h, "decay_factor", dt,
                        () -> 1 - h.group().get("lr") * h.group().get("weight_decay"));
            } else {
                g = g.add(param.mul(scalars.option(h, "weight_decay", dt)));
            }
        }
        Tensor oneMinusBeta1 = scalars.perRun(h, "one_minus_beta1", dt, () -> 1 - h.group().get("beta1"));
        Tensor oneMinusBeta2 = scalars.perRun(h, "one_minus_beta2", dt, () -> 1 - h.group().get("beta2"));
        // m = m * beta1 + g * (1 - beta1); v = v * beta2 + g * (1 - beta2) * g: in place on eager engines.
        Tensor m = updateState(p, "exp_avg", scalars.option(h, "beta1", dt), g.mul(oneMinusBeta1));
        Tensor v = updateState(p, "exp_avg_sq", scalars.option(h, "beta2", dt),
                intoTemporary(g.mul(oneMinusBeta2), BinaryOp.MUL, g));
        Tensor second = v;
        if (amsgrad) {
            second = state(p, "max_exp_avg_sq").maximum(v);
            setState(p, "max_exp_avg_sq", second);
        }
        Tensor stepSize = scalars.perRun(h, "step_size", dt,
                () -> h.group().get("lr") / (1 - Math.pow(h.group().get("beta1"), stepCount())));
        Tensor bc2Sqrt = scalars.perRun(h, "bias_correction2_sqrt", dt,
                () -> Math.sqrt(1 - Math.pow(h.group().get("beta2"), stepCount())));
        // denom = sqrt(v) / sqrt(bc2) + eps, then m * step_size / denom: each chain reuses its first
        // result's memory where the engine can (intoTemporary), with the same values.
        Tensor denom = intoTemporary(intoTemporary(second.sqrt(), BinaryOp.DIV, bc2Sqrt), BinaryOp.ADD,
                scalars.option(h, "eps", dt));
        // p = p * decay - m * step_size / denom (AdamW's decay factor, else p - ...).
        updateParameterValue(p, decay, intoTemporary(m.mul(stepSize), BinaryOp.DIV, denom));
    }

    /**
     * Adam's options, as {@code torch.optim.Adam}'s arguments.
     *
     * @param lr          learning rate, >= 0
     * @param beta1       decay of the first moment, in [0, 1)
     * @param beta2       decay of the second moment, in [0, 1)
     * @param eps         added to the denominator, >= 0
     * @param weightDecay weight decay, >= 0 (an L2 penalty for Adam, decoupled for AdamW)
     * @param amsgrad     keep the maximum of past second moments
     */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        /** Checks the values as torch does; returns this. */
        public Options validate(String optimizer) {
            SGD.requireNonNegative(optimizer, "learning rate (lr)", lr);
            SGD.requireNonNegative(optimizer, "epsilon value (eps)", eps);
            if (!(beta1 >= 0 && beta1 < 1)) {
                throw new IllegalArgumentException(optimizer + ": invalid beta parameter at index 0: " + beta1 + "; expected [0, 1)");
            }
            if (!(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException(optimizer + ": invalid beta parameter at index 1: " + beta2 + "; expected [0, 1)");
            }
            SGD.requireNonNegative(optimizer, "weight_decay value", weightDecay);
            return this;
        }

        Map<String, Double> toMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("lr", lr);
            m.put("beta1", beta1);
            m.put("beta2", beta2);
            m.put("eps", eps);
            m.put("weight_decay", weightDecay);
            return m;
        }
    }

    /** Builds an {@link Adam} (or, from {@link AdamW#builder}, an {@link AdamW}); defaults as torch. */
    public static class Builder {
        private final List<Parameter> params;
        private double lr = 1e-3;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private double weightDecay;
        private boolean amsgrad;

        Builder(List<Parameter> params, double defaultWeightDecay) {
            this.params = params;
            this.weightDecay = defaultWeightDecay;
        }

        /** The learning rate (default 1e-3). */
        public Builder lr(double value) {
            this.lr = value;
            return this;
        }

        /** The moment decays (default 0.9, 0.999). */
        public Builder betas(double b1, double b2) {
            this.beta1 = b1;
            this.beta2 = b2;
            return this;
        }

        /** The denominator term (default 1e-8). */
        public Builder eps(double value) {
            this.eps = value;
            return this;
        }

        /** The weight decay (default 0 for Adam, 0.01 for AdamW). */
        public Builder weightDecay(double value) {
            this.weightDecay = value;
            return this;
        }

        /** AMSGrad on or off (default off). */
        public Builder amsgrad(boolean value) {
            this.amsgrad = value;
            return this;
        }

        /** The options collected so far. */
        public Options options() {
            return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad);
        }

        /** The optimizer; fails when an option is invalid. */
        public Adam build() {
            return new Adam(params, options());
        }

        List<Parameter> params() {
            return params;
        }
    }
}
