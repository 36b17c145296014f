package dev.lightning4j.optim;

import dev.lightning4j.nn.Parameter;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight
 * decay, matching {@code torch.optim.SGD} (single-tensor implementation):
 *
 * <pre>
 * d = g + weight_decay * p
 * buf = d                                       (first step)
 * buf = momentum * buf + (1 - dampening) * d    (later steps)
 * d = nesterov ? d + momentum * buf : buf
 * p = p - lr * d
 * </pre>
 *
 * Group options: {@code lr}, {@code momentum}, {@code dampening}, {@code weight_decay}. State:
 * {@code momentum_buffer}. Whether momentum and weight decay are used is decided from their values
 * when the step is built (once, on a traced engine), as is {@code nesterov}.
 */
public final class SGD extends Optimizer {
    private final boolean nesterov;
    private final StepScalars scalars = new StepScalars();

    /** Plain SGD with learning rate {@code lr}. */
    public SGD(List<Parameter> params, double lr) {
        this(params, new Options(lr, 0, 0, false, 0));
    }

    /** SGD with the given options. */
    public SGD(List<Parameter> params, Options options) {
        super(params, options.validate().toMap());
        this.nesterov = options.nesterov();
    }

    /** A builder for {@code params}. */
    public static Builder builder(List<Parameter> params) {
        return new Builder(params);
    }

    /** True when Nesterov momentum is used. */
    public boolean nesterov() {
        return nesterov;
    }

    @Override
    protected void updateParameter(Hyper h, Parameter p, Tensor grad) {
        Tensor param = p.value();
        DType dt = param.dtype();
        Tensor d = grad;
        if (h.value("weight_decay") != 0) {
            d = d.add(param.mul(scalars.option(h, "weight_decay", dt)));
        }
        if (h.value("momentum") != 0) {
            Tensor momentum = scalars.option(h, "momentum", dt);
            Tensor buf = state(p, "momentum_buffer");
            Tensor oneMinusDampening = scalars.perRun(h, "one_minus_dampening", dt, () -> 1 - h.group().get("dampening"));
            Tensor later = buf.mul(momentum).add(d.mul(oneMinusDampening));
            // torch initialises the buffer to the gradient on the first step; a traced step is built
            // once, so both cases are computed and blended by per-run 0/1 scalars (exactly).
            Tensor first = scalars.perRun(h, "first_step", dt, () -> stepCount() <= 1 ? 1 : 0);
            Tensor notFirst = scalars.perRun(h, "later_step", dt, () -> stepCount() <= 1 ? 0 : 1);
            Tensor newBuf = d.mul(first).add(later.mul(notFirst));
            setState(p, "momentum_buffer", newBuf);
            d = nesterov ? d.add(newBuf.mul(momentum)) : newBuf;
        }
        p.assign(param.sub(d.mul(scalars.option(h, "lr", dt))));
    }

    /**
     * SGD's options, as {@code torch.optim.SGD}'s arguments.
     *
     * @param lr          learning rate, >= 0
     * @param momentum    momentum factor, >= 0
     * @param dampening   dampening of the momentum
     * @param nesterov    Nesterov momentum; needs momentum > 0 and dampening 0
     * @param weightDecay L2 penalty, >= 0
     */
    public record Options(double lr, double momentum, double dampening, boolean nesterov, double weightDecay) {
        /** Checks the values as torch does; returns this. */
        public Options validate() {
            requireNonNegative("SGD", "learning rate (lr)", lr);
            requireNonNegative("SGD", "momentum", momentum);
            requireNonNegative("SGD", "weight_decay", weightDecay);
            if (Double.isNaN(dampening) || Double.isInfinite(dampening)) {
                throw new IllegalArgumentException("SGD: invalid dampening value: " + dampening);
            }
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum="
                        + momentum + ", dampening=" + dampening);
            }
            return this;
        }

        Map<String, Double> toMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("lr", lr);
            m.put("momentum", momentum);
            m.put("dampening", dampening);
            m.put("weight_decay", weightDecay);
            return m;
        }
    }

    /** Builds an {@link SGD}; defaults as torch: momentum 0, dampening 0, no Nesterov, no weight decay. */
    public static final class Builder {
        private final List<Parameter> params;
        private Double lr;
        private double momentum;
        private double dampening;
        private boolean nesterov;
        private double weightDecay;

        private Builder(List<Parameter> params) {
            this.params = params;
        }

        /** The learning rate (required). */
        public Builder lr(double value) {
            this.lr = value;
            return this;
        }

        /** The momentum factor. */
        public Builder momentum(double value) {
            this.momentum = value;
            return this;
        }

        /** The dampening of the momentum. */
        public Builder dampening(double value) {
            this.dampening = value;
            return this;
        }

        /** Nesterov momentum on or off. */
        public Builder nesterov(boolean value) {
            this.nesterov = value;
            return this;
        }

        /** The L2 penalty. */
        public Builder weightDecay(double value) {
            this.weightDecay = value;
            return this;
        }

        /** The optimizer; fails when an option is invalid. */
        public SGD build() {
            if (lr == null) {
                throw new IllegalArgumentException("SGD: the learning rate is required; call lr(...)");
            }
            return new SGD(params, new Options(lr, momentum, dampening, nesterov, weightDecay));
        }
    }

    static void requireNonNegative(String optimizer, String what, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(optimizer + ": invalid " + what + ": " + value + "; expected a finite value >= 0");
        }
    }
}
