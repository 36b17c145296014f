package dev.lightning4j.backend;

import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * Optional capability of {@link Kernels}: optimizer updates as one engine kernel per parameter.
 *
 * <p>Both engines ship a fused Adam (libtorch through DJL's {@code adamUpdate}; TensorFlow's
 * {@code ResourceApplyAdam}), and the hand-written loops users compare us with call them. Written as
 * a dozen elementwise ops, the same update cost up to a fifth of a training step more on both
 * engines (see BENCHMARKS.md), so {@code Adam} and {@code AdamW} call this when the kernels offer it
 * and fall back to their composition (the reference for the numbers) otherwise.
 *
 * <p>The fused kernels compute torch's Adam with the bias corrections folded into the learning rate
 * and epsilon, {@code p -= lr*sqrt(bc2)/bc1 * m / (sqrt(v) + eps*sqrt(bc2))}, which equals
 * {@code p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps)} up to float rounding (the golden-trajectory
 * tests hold both to the same tolerance).
 */
public interface FusedOptimizerKernels {

    /**
     * A value fed on every run: {@code tensor} makes what a traced engine builds into its graph (a
     * per-run scalar of the step, created when first asked for), {@code value} is what an eager engine
     * reads when the update runs.
     */
    record RunScalar(Supplier<NativeTensor> tensor, DoubleSupplier value) {
    }

    /**
     * The scalars of one Adam step. {@code lr} is {@code lr * sqrt(1 - beta2^t) / (1 - beta1^t)} and
     * {@code eps} is {@code eps * sqrt(1 - beta2^t)}; {@code decay} is AdamW's factor
     * {@code 1 - lr * weight_decay} applied to the parameter before the update, or null.
     */
    record AdamScalars(RunScalar lr, RunScalar beta1, RunScalar beta2, RunScalar eps, RunScalar decay) {
    }

    /**
     * Whether {@link #adamStep} can update {@code param} now (its dtype, and for a traced engine
     * whether a step is being traced); otherwise the caller composes the update from ops.
     */
    boolean fusesAdam(Variable param);

    /**
     * One Adam step on {@code param} with its state variables {@code expAvg} and {@code expAvgSq}, in
     * place and without recording gradients: {@code p *= decay} (when given), {@code m = b1*m + (1-b1)*g},
     * {@code v = b2*v + (1-b2)*g*g}, {@code p -= lr * m / (sqrt(v) + eps)}. {@code grad} has the
     * parameter's dtype and shape; L2 weight decay is already in it. The kernel weighs the gradient by
     * {@code 1 - b1} and {@code 1 - b2} computed in the parameter's dtype from the betas it is given,
     * as both engines' kernels do; the caller's {@code lr} and {@code eps} account for the rounding
     * (see {@code Adam}).
     */
    void adamStep(Variable param, Variable expAvg, Variable expAvgSq, NativeTensor grad, AdamScalars scalars);
}
