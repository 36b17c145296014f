package dev.lightning4j.backend;

/**
 * Optional capability of {@link Kernels}: a loss computed by one engine kernel.
 *
 * <p>Cross-entropy from logits is {@code -log_softmax(logits)[target]}. Composed from
 * {@link Kernels#logSoftmax} and {@link Kernels#takeAlongLastDim} it is right on every engine, but on
 * a traced engine its gradient becomes a chain of a few dozen small graph ops between the loss and
 * the first matrix product of the backward pass (the gather's gradient alone is a dozen). TensorFlow
 * has the loss as one kernel that also returns its gradient ({@code
 * SparseSoftmaxCrossEntropyWithLogits}, what Keras uses), so {@code Tensor.softmaxCrossEntropy} calls
 * this when the kernels offer it and composes the ops otherwise.
 */
public interface FusedLossKernels {

    /**
     * Whether {@link #softmaxCrossEntropy} can compute the loss of these operands now (their ranks,
     * and for a traced engine whether a step is being traced); otherwise the caller composes it.
     */
    boolean fusesSoftmaxCrossEntropy(NativeTensor logits, NativeTensor target);

    /**
     * Per-row cross-entropy of {@code logits} {@code [N, C]} (floating) at the classes {@code target}
     * {@code [N]} (INT64, every value in {@code [0, C)}): {@code -log_softmax(logits)[i, target[i]]},
     * shape {@code [N]}, differentiable with respect to {@code logits}. The numbers equal the
     * composition up to float rounding.
     */
    NativeTensor softmaxCrossEntropy(NativeTensor logits, NativeTensor target);
}
