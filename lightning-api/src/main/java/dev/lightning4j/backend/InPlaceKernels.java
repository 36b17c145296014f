package dev.lightning4j.backend;

/**
 * Optional capability of {@link Kernels}: an elementwise binary op that writes its result into its
 * first operand, {@code target = target op x}.
 *
 * <p>An eager engine implements it so that an optimizer step can update parameters and their
 * state, and chain its own temporaries, without a new tensor per op and without the copy of
 * {@link Variable#assign}: an Adam step touches every parameter a dozen times, and on PyTorch the
 * allocations and copies were about half of its cost. The values are the same, bit for bit, as
 * {@code kernels.binary(op, target, x)}: the engine runs the same elementwise kernel, writing into
 * {@code target}. Traced engines do not implement it; callers (see {@code Optimizer}) then use the
 * out-of-place op, and assignment for variables.
 *
 * <p>{@code target} must be either a tensor the caller created and has not shared (an intermediate
 * of its own computation), or the value {@link Variable#read()} returned in this step, in which case
 * the variable is updated, as by {@code assign}. {@code op} is {@code ADD}, {@code SUB}, {@code MUL}
 * or {@code DIV}; {@code x} has the target's dtype and either its shape or rank 0. Gradients are not
 * recorded.
 */
public interface InPlaceKernels {

    /** {@code target = target op x}, in place. */
    void binaryInPlace(Kernels.BinaryOp op, NativeTensor target, NativeTensor x);
}
