package dev.lightning4j.optim;

import dev.lightning4j.nn.Parameter;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RMSprop, matching {@code torch.optim.RMSprop} (single-tensor implementation):
 *
 * <pre>
 * g = g + weight_decay * p
 * s = alpha * s + (1 - alpha) * g * g
 * a = alpha * a + (1 - alpha) * g                         (centered)
 * avg = sqrt(centered ? s - a * a : s) + eps
 * buf = momentum * buf + g / avg;  p = p - lr * buf      (momentum > 0)
 * p = p - lr * g / avg                                    (otherwise)
 * </pre>
 *
 * Group options: {@code lr}, {@code alpha}, {@code eps}, {@code weight_decay}, {@code momentum}.
 * State: {@code square_avg}, {@code momentum_buffer}, {@code grad_avg}. Whether momentum and
 * weight decay are used is decided from their values when the step is built, as is {@code centered}.
 */
public final class RMSprop extends Optimizer {
    private final boolean centered;
    private final StepScalars scalars = new StepScalars();

    /** RMSprop with learning rate {@code lr} and torch's defaults (alpha 0.99, eps 1e-8). */
    public RMSprop(List<Parameter> params, double lr) {
        this(params, new Options(lr, 0.99, 1e-8, 0, 0, false));
    }

    /** RMSprop with the given options. */
    public RMSprop(List<Parameter> params, Options options) {
        super(params, options.validate().toMap());
        this.centered = options.centered();
    }

    /** A builder for {@code params}. */
    public static Builder builder(List<Parameter> params) {
        return new Builder(params);
    }

    /** True when the gradient's running mean is subtracted (centered RMSprop). */
    public boolean centered() {
        return centered;
    }

    @Override
    protected void updateParameter(Hyper h, Parameter p, Tensor grad) {
        Tensor param = p.value();
        DType dt = param.dtype();
        Tensor g = grad;
        if (h.value("weight_decay") != 0) {
            g = g.add(param.mul(scalars.option(h, "weight_decay", dt)));
        }
        Tensor alpha = scalars.option(h, "alpha", dt);
        Tensor oneMinusAlpha = scalars.perRun(h, "one_minus_alpha", dt, () -> 1 - h.group().get("alpha"));
        Tensor squareAvg = state(p, "square_avg").mul(alpha).add(g.mul(oneMinusAlpha).mul(g));
        setState(p, "square_avg", squareAvg);
        Tensor avg;
        if (centered) {
            Tensor gradAvg = state(p, "grad_avg").mul(alpha).add(g.mul(oneMinusAlpha));
            setState(p, "grad_avg", gradAvg);
            avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt();
        } else {
            avg = squareAvg.sqrt();
        }
        avg = avg.add(scalars.option(h, "eps", dt));
        Tensor lr = scalars.option(h, "lr", dt);
        if (h.value("momentum") > 0) {
            Tensor buf = state(p, "momentum_buffer").mul(scalars.option(h, "momentum", dt)).add(g.div(avg));
            setState(p, "momentum_buffer", buf);
            p.assign(param.sub(buf.mul(lr)));
        } else {
            p.assign(param.sub(g.mul(lr).div(avg)));
        }
    }

    /**
     * RMSprop's options, as {@code torch.optim.RMSprop}'s arguments.
     *
     * @param lr          learning rate, >= 0
     * @param alpha       smoothing constant, >= 0
     * @param eps         added to the denominator, >= 0
     * @param weightDecay L2 penalty, >= 0
     * @param momentum    momentum factor, >= 0
     * @param centered    normalise by the estimated variance of the gradient
     */
    public record Options(double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        /** Checks the values as torch does; returns this. */
        public Options validate() {
            SGD.requireNonNegative("RMSprop", "learning rate (lr)", lr);
            SGD.requireNonNegative("RMSprop", "epsilon value (eps)", eps);
            SGD.requireNonNegative("RMSprop", "momentum value", momentum);
            SGD.requireNonNegative("RMSprop", "weight_decay value", weightDecay);
            SGD.requireNonNegative("RMSprop", "alpha value", alpha);
            return this;
        }

        Map<String, Double> toMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("lr", lr);
            m.put("alpha", alpha);
            m.put("eps", eps);
            m.put("weight_decay", weightDecay);
            m.put("momentum", momentum);
            return m;
        }
    }

    /** Builds an {@link RMSprop}; defaults as torch: lr 0.01, alpha 0.99, eps 1e-8, no decay, no momentum, not centered. */
    public static final class Builder {
        private final List<Parameter> params;
        private double lr = 0.01;
        private double alpha = 0.99;
        private double eps = 1e-8;
        private double weightDecay;
        private double momentum;
        private boolean centered;

        private Builder(List<Parameter> params) {
            this.params = params;
        }

        /** The learning rate (default 0.01). */
        public Builder lr(double value) {
            this.lr = value;
            return this;
        }

        /** The smoothing constant (default 0.99). */
        public Builder alpha(double value) {
            this.alpha = value;
            return this;
        }

        /** The denominator term (default 1e-8). */
        public Builder eps(double value) {
            this.eps = value;
            return this;
        }

        /** The L2 penalty (default 0). */
        public Builder weightDecay(double value) {
            this.weightDecay = value;
            return this;
        }

        /** The momentum factor (default 0). */
        public Builder momentum(double value) {
            this.momentum = value;
            return this;
        }

        /** Centered RMSprop on or off (default off). */
        public Builder centered(boolean value) {
            this.centered = value;
            return this;
        }

        /** The optimizer; fails when an option is invalid. */
        public RMSprop build() {
            return new RMSprop(params, new Options(lr, alpha, eps, weightDecay, momentum, centered));
        }
    }
}
