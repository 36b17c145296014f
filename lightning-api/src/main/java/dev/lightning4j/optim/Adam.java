package dev.lightning4j.optim;

import dev.lightning4j.backend.FusedOptimizerKernels;
import dev.lightning4j.backend.FusedOptimizerKernels.AdamScalars;
import dev.lightning4j.backend.FusedOptimizerKernels.RunScalar;
import dev.lightning4j.backend.Kernels.BinaryOp;
import dev.lightning4j.nn.Parameter;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

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
 * in double for every run, as PyTorch computes them in Python. Without AMSGrad, engines that offer
 * {@link FusedOptimizerKernels} run the update as their own fused kernel (with the same numbers up
 * to rounding); the ops below are the reference. Group options: {@code lr},
 * {@code beta1}, {@code beta2}, {@code eps}, {@code weight_decay}. State: {@code exp_avg},
 * {@code exp_avg_sq}, {@code max_exp_avg_sq}.
 */
public class Adam extends Optimizer {
    private final boolean amsgrad;
    private final boolean fused;
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
        this.fused = options.fused();
        this.decoupledWeightDecay = decoupledWeightDecay;
    }

    /** A builder for {@code params}. */
    public static Builder builder(List<Parameter> params) {
        return new Builder(params, 0.0);
    }

    /** True when the engine's fused Adam kernel runs the update where it has one (see {@link Options#fused}). */
    public boolean fused() {
        return fused;
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
                decay = scalars.perRun(h, "decay_factor", dt, decayFactor(h));
            } else {
                g = g.add(param.mul(scalars.option(h, "weight_decay", dt)));
            }
        }
        if (fused && !amsgrad && p.backend().kernels() instanceof FusedOptimizerKernels kernels && g.dtype() == dt
                && kernels.fusesAdam(p.variable())) {
            kernels.adamStep(p.variable(), stateVariable(p, "exp_avg"), stateVariable(p, "exp_avg_sq"), g.nativeTensor(),
                    fusedScalars(h, dt, decay));
            return;
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
     * The fused kernel's scalars, computed on the host in double: the bias corrections folded into lr
     * and eps, and a correction for how the kernels weigh each gradient. They compute {@code 1 - beta}
     * themselves from beta rounded to the parameter's dtype (1 - float32(0.999) = 0.00099998713, where
     * torch multiplies by float32(0.001)), so their m and v are torch's times
     * {@code q = (1 - round(b1)) / round(1 - b1)} and {@code r = (1 - round(b2)) / round(1 - b2)}.
     * Scaling lr by {@code sqrt(r) / q} and eps by {@code sqrt(r)} gives torch's update again; without
     * it every step came out 6.4e-6 larger, and final weights drifted 1e-4 from PyTorch's.
     */
    private AdamScalars fusedScalars(Hyper h, DType dt, Tensor decay) {
        DoubleSupplier lr = () -> {
            double t = stepCount();
            double b1 = h.group().get("beta1");
            double b2 = h.group().get("beta2");
            return h.group().get("lr") * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t))
                    * Math.sqrt(kernelWeightScale(b2, dt)) / kernelWeightScale(b1, dt);
        };
        DoubleSupplier eps = () -> {
            double b2 = h.group().get("beta2");
            return h.group().get("eps") * Math.sqrt(1 - Math.pow(b2, stepCount())) * Math.sqrt(kernelWeightScale(b2, dt));
        };
        DoubleSupplier beta1 = () -> h.group().get("beta1");
        DoubleSupplier beta2 = () -> h.group().get("beta2");
        RunScalar decayScalar = decay == null ? null : new RunScalar(decay::nativeTensor, decayFactor(h));
        return new AdamScalars(
                new RunScalar(() -> scalars.perRun(h, "fused_lr", dt, lr).nativeTensor(), lr),
                new RunScalar(() -> scalars.option(h, "beta1", dt).nativeTensor(), beta1),
                new RunScalar(() -> scalars.option(h, "beta2", dt).nativeTensor(), beta2),
                new RunScalar(() -> scalars.perRun(h, "fused_eps", dt, eps).nativeTensor(), eps),
                decayScalar);
    }

    /** AdamW's factor on the weights, {@code 1 - lr * weight_decay}, read when the step runs. */
    private static DoubleSupplier decayFactor(Hyper h) {
        return () -> 1 - h.group().get("lr") * h.group().get("weight_decay");
    }

    /**
     * How much more a fused kernel weighs each gradient than torch: {@code (1 - round(beta)) / round(1 - beta)},
     * with rounding to {@code dtype} (1 for float64 and for betas whose complement rounds exactly).
     */
    private static double kernelWeightScale(double beta, DType dtype) {
        return (1 - round(beta, dtype)) / round(1 - beta, dtype);
    }

    /** {@code v} as the engine holds it in {@code dtype}. */
    private static double round(double v, DType dtype) {
        return dtype == DType.FLOAT32 ? (float) v : v;
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
     * @param fused       run the update as the engine's own fused kernel where it has one (libtorch
     *                    through DJL, TensorFlow's {@code ResourceApplyAdam}; not with AMSGrad), as
     *                    {@code torch.optim.Adam(fused=True)}: the same update, rounded differently
     *                    (the golden PyTorch trajectories hold both forms to 1e-4; measured 5e-6 for
     *                    the fused one). False runs torch's single-tensor ops one by one, which cost
     *                    up to a fifth of a training step more (see BENCHMARKS.md).
     */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
                          boolean fused) {
        /** Options with the fused kernel on (the default). */
        public Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
            this(lr, beta1, beta2, eps, weightDecay, amsgrad, true);
        }

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
        private boolean fused = true;

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

        /** The engine's fused kernel on or off (default on); see {@link Options#fused}. */
        public Builder fused(boolean value) {
            this.fused = value;
            return this;
        }

        /** The options collected so far. */
        public Options options() {
            return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad, fused);
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
