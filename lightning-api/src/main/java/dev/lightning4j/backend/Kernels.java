package dev.lightning4j.backend;

import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.Shape;
import java.util.List;

/**
 * The primitive ops an engine supplies. Everything else in the API (losses, layers, optimizers,
 * composite ops such as clamp or logsumexp) is written once over these.
 *
 * <p>The API validates arguments before it calls a kernel: dimensions are normalised to
 * {@code [0, rank)}, operands of binary ops have the same dtype and broadcastable shapes, and slice
 * bounds are clipped where the dimension is known. Kernels may assume so. Results belong to the
 * innermost open {@link TensorScope} of the calling thread.
 */
public interface Kernels {

    /** Elementwise ops of one operand. */
    enum UnaryOp {
        NEG, ABS, EXP, LOG, LOG1P, SQRT, RSQRT, SQUARE, RELU, SIGMOID, TANH,
        /** Exact (erf-based) GELU, PyTorch's default. */
        GELU, SIGN, FLOOR, CEIL, SIN, COS, ERF,
        /** Logical not of a BOOL tensor. */
        LOGICAL_NOT
    }

    /** Elementwise ops of two operands with broadcasting. Comparisons return BOOL. */
    enum BinaryOp {
        ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM,
        EQ, NE, LT, LE, GT, GE,
        LOGICAL_AND, LOGICAL_OR;

        /** True for the ops whose result is BOOL. */
        public boolean isComparison() {
            return switch (this) {
                case EQ, NE, LT, LE, GT, GE, LOGICAL_AND, LOGICAL_OR -> true;
                default -> false;
            };
        }
    }

    /** Reductions over a set of dimensions. */
    enum ReduceOp { SUM, MEAN, MAX, MIN }

    /** Index-of-extreme reductions over one dimension; results are INT64. */
    enum ArgReduceOp { ARGMAX, ARGMIN }

    /** Applies a unary op. */
    NativeTensor unary(UnaryOp op, NativeTensor x);

    /** Applies a binary op; both operands have the same dtype. */
    NativeTensor binary(BinaryOp op, NativeTensor a, NativeTensor b);

    /** A 0-dimensional tensor holding {@code value}. */
    NativeTensor scalar(double value, DType dtype, Device device);

    /** A tensor of the given static shape filled with {@code value}. */
    NativeTensor full(Shape shape, double value, DType dtype, Device device);

    /** A tensor with the (possibly dynamic) shape of {@code like}, filled with {@code value}. */
    NativeTensor fullLike(NativeTensor like, double value, DType dtype);

    /** Reduces over {@code dims} (sorted, distinct, normalised); an empty array means all. */
    NativeTensor reduce(ReduceOp op, NativeTensor x, int[] dims, boolean keepDim);

    /** Index of the max or min along {@code dim}. */
    NativeTensor argReduce(ArgReduceOp op, NativeTensor x, int dim, boolean keepDim);

    /** Matrix product of tensors of rank 2 or more, broadcasting the leading (batch) dimensions. */
    NativeTensor matmul(NativeTensor a, NativeTensor b);

    /**
     * {@code x @ weight^T + bias}, as {@code torch.nn.functional.linear}: {@code x} is {@code [..., in]}
     * with rank 2 or more, {@code weight} {@code [out, in]}, {@code bias} {@code [out]} or null, all of
     * one floating dtype (the API has checked). A kernel of its own because both engines fuse it
     * (libtorch's {@code addmm}; TensorFlow's {@code MatMul} with a transposed operand and
     * {@code BiasAdd}), where the composition costs a transpose, a matmul and a broadcast add, and
     * their gradients. Differentiable in all three.
     */
    NativeTensor linear(NativeTensor x, NativeTensor weight, NativeTensor bias);

    /** Softmax along {@code dim}. */
    NativeTensor softmax(NativeTensor x, int dim);

    /** Log-softmax along {@code dim}. */
    NativeTensor logSoftmax(NativeTensor x, int dim);

    /** Reshape; {@code shape} may hold one -1, inferred as in PyTorch. */
    NativeTensor reshape(NativeTensor x, long[] shape);

    /** Reorders dimensions: output dimension i is input dimension {@code dims[i]}. */
    NativeTensor permute(NativeTensor x, int[] dims);

    /** Removes dimension {@code dim}, whose size is 1. */
    NativeTensor squeeze(NativeTensor x, int dim);

    /** Inserts a dimension of size 1 at {@code dim} (0..rank). */
    NativeTensor unsqueeze(NativeTensor x, int dim);

    /** Joins tensors along an existing dimension. */
    NativeTensor concat(List<NativeTensor> xs, int dim);

    /** Joins tensors along a new dimension {@code dim} (0..rank). */
    NativeTensor stack(List<NativeTensor> xs, int dim);

    /**
     * Elements {@code start, start+step, ...} before {@code end} along {@code dim}; {@code step > 0}.
     * When the dimension is known the API passes {@code 0 <= start <= end <= size}; otherwise
     * {@code start} and {@code end} may be negative (counted from the end) and {@code end} may be
     * {@link Long#MAX_VALUE} for "to the end".
     */
    NativeTensor slice(NativeTensor x, int dim, long start, long end, long step);

    /** PyTorch's {@code gather}: {@code out[i][j] = x[i][index[i][j]]} for {@code dim = 1}. Index is INT64. */
    NativeTensor gather(NativeTensor x, int dim, NativeTensor index);

    /**
     * One element of each last-dimension row: {@code out[i...] = x[i..., index[i...]]} for {@code x}
     * {@code [..., C]} and INT64 {@code index} {@code [...]} with x's leading dimensions (the API has
     * checked the known ones), as {@code torch.take_along_dim(x, index.unsqueeze(-1), -1).squeeze(-1)}.
     * A kernel of its own for the negative log-likelihood, where a general {@link #gather} costs
     * TensorFlow a dozen ops and their gradients. Differentiable in {@code x}.
     */
    NativeTensor takeAlongLastDim(NativeTensor x, NativeTensor index);

    /** PyTorch's {@code index_select}: the slices of {@code x} at the INT64 {@code index} (rank 1) along {@code dim}. */
    NativeTensor indexSelect(NativeTensor x, int dim, NativeTensor index);

    /** One-hot encoding of INT64 {@code index} along a new last dimension. */
    NativeTensor oneHot(NativeTensor index, int numClasses, DType dtype);

    /** Elementwise choice: {@code cond ? a : b}, broadcasting all three. */
    NativeTensor where(NativeTensor cond, NativeTensor a, NativeTensor b);

    /** Converts the element type. */
    NativeTensor cast(NativeTensor x, DType dtype);

    /** Broadcasts to {@code shape}, as PyTorch's {@code expand}. */
    NativeTensor broadcastTo(NativeTensor x, long[] shape);

    /** The same values with no gradient flowing back (PyTorch's {@code detach}). */
    NativeTensor stopGradient(NativeTensor x);

    /**
     * Training-mode dropout: zeroes each element with probability {@code p} and scales the rest by
     * {@code 1/(1-p)}. The mask comes from the backend's generator, seeded by
     * {@link Backend#manualSeed(long)}; masks are reproducible per engine, not across engines.
     */
    NativeTensor dropout(NativeTensor x, double p);

    /**
     * Cross-correlation as PyTorch's {@code conv1d}/{@code conv2d}: {@code x} is
     * {@code [N, C_in, L]} or {@code [N, C_in, H, W]}, {@code weight} is {@code [C_out, C_in/groups, k...]}
     * of the same rank, {@code bias} is {@code [C_out]} or null (added per output channel, fused by
     * both engines). {@code stride}, {@code padding} (zeros, both sides) and {@code dilation} have
     * one entry per spatial dimension. The API has checked that channels, groups and sizes fit and
     * that every output size is at least 1. Differentiable in {@code x}, {@code weight} and {@code bias}.
     */
    NativeTensor conv(NativeTensor x, NativeTensor weight, NativeTensor bias, int[] stride, int[] padding, int[] dilation,
                      int groups);

    /**
     * Max pooling as PyTorch's {@code max_pool1d}/{@code max_pool2d} (no dilation, floor mode) over
     * {@code [N, C, L]} or {@code [N, C, H, W]}: padding counts as minus infinity, and the API has
     * checked that it is at most half the kernel. Differentiable in {@code x}.
     */
    NativeTensor maxPool(NativeTensor x, int[] kernel, int[] stride, int[] padding);

    /**
     * Average pooling as PyTorch's {@code avg_pool1d}/{@code avg_pool2d} with its defaults (floor
     * mode, {@code count_include_pad=True}): zero padding counts in every window, so each output is
     * the window sum divided by the kernel size. Differentiable in {@code x}.
     */
    NativeTensor avgPool(NativeTensor x, int[] kernel, int[] stride, int[] padding);
}
