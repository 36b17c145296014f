package dev.lightning4j.tensor;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.FusedLossKernels;
import dev.lightning4j.backend.Kernels;
import dev.lightning4j.backend.Kernels.ArgReduceOp;
import dev.lightning4j.backend.Kernels.BinaryOp;
import dev.lightning4j.backend.Kernels.ReduceOp;
import dev.lightning4j.backend.Kernels.UnaryOp;
import dev.lightning4j.backend.NativeTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional array on an engine, with PyTorch's op names. The same code runs eagerly on
 * PyTorch and is traced into a graph on TensorFlow, so inside a step a tensor's values are not
 * available on the host: read them ({@link #toFloatArray()}, {@link #item()}) only outside steps.
 *
 * <p>Arguments are checked here, once for every engine, and bad ones fail with a message that
 * names the op, the shapes and what was expected. Binary ops broadcast as PyTorch does and promote
 * mixed dtypes (bool &lt; int32 &lt; int64 &lt; float32 &lt; float64).
 */
public final class Tensor implements AutoCloseable {
    private final Backend backend;
    private final NativeTensor impl;

    private Tensor(Backend backend, NativeTensor impl) {
        this.backend = backend;
        this.impl = impl;
    }

    /** Wraps a backend's tensor. For backends and the framework; users get tensors from ops. */
    public static Tensor wrap(Backend backend, NativeTensor impl) {
        return new Tensor(backend, impl);
    }

    /** The backend's own tensor. For backends. */
    public NativeTensor nativeTensor() {
        return impl;
    }

    /** The engine this tensor lives on. */
    public Backend backend() {
        return backend;
    }

    /** The static shape; dimensions unknown while tracing are {@link Shape#UNKNOWN}. */
    public Shape shape() {
        return impl.shape();
    }

    /** The size of dimension {@code dim} (negative counts from the end). */
    public long size(int dim) {
        return impl.shape().get(dim);
    }

    /** The number of dimensions. */
    public int rank() {
        return impl.shape().rank();
    }

    /** The element type. */
    public DType dtype() {
        return impl.dtype();
    }

    /** Where the values live. */
    public Device device() {
        return impl.device();
    }

    private Kernels k() {
        return backend.kernels();
    }

    private Tensor w(NativeTensor t) {
        return new Tensor(backend, t);
    }

    // ---------------------------------------------------------------- host values

    /** Copies the values to the host. Not available inside a traced step. */
    public HostArray toHost() {
        return backend.toHost(impl);
    }

    /** The values as float, row-major. */
    public float[] toFloatArray() {
        return toHost().toFloatArray();
    }

    /** The values as double, row-major. */
    public double[] toDoubleArray() {
        return toHost().toDoubleArray();
    }

    /** The values as long, row-major; the tensor must be integral or bool. */
    public long[] toLongArray() {
        return toHost().toLongArray();
    }

    /** The value of a one-element tensor. */
    public double item() {
        return toHost().item();
    }

    /** Releases native memory now rather than at the end of its scope. */
    @Override
    public void close() {
        impl.close();
    }

    // ---------------------------------------------------------------- creation like this tensor

    /** A tensor shaped like this one, filled with {@code value}. */
    public Tensor fullLike(double value) {
        return w(k().fullLike(impl, value, dtype()));
    }

    /** Zeros shaped like this tensor. */
    public Tensor zerosLike() {
        return fullLike(0);
    }

    /** Ones shaped like this tensor. */
    public Tensor onesLike() {
        return fullLike(1);
    }

    /** A tensor of the given static shape on the same engine and device, filled with {@code value}. */
    public Tensor newFull(Shape shape, double value, DType dtype) {
        return w(k().full(shape, value, dtype, device()));
    }

    /** Host data copied onto the same engine and device. */
    public Tensor newTensor(HostArray data) {
        return w(backend.fromHost(data, device()));
    }

    /** A 0-dimensional tensor on the same engine and device. */
    public Tensor newScalar(double value, DType dtype) {
        return w(k().scalar(value, dtype, device()));
    }

    // ---------------------------------------------------------------- elementwise

    private Tensor unary(UnaryOp op) {
        return w(k().unary(op, impl));
    }

    private Tensor floatUnary(UnaryOp op) {
        requireFloating(op.name().toLowerCase());
        return unary(op);
    }

    private void requireFloating(String op) {
        if (!dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": expected a floating-point tensor, got " + dtype()
                    + " with shape " + shape() + "; cast it first with .to(DType.FLOAT32)");
        }
    }

    /** -x */
    public Tensor neg() { return unary(UnaryOp.NEG); }

    /** |x| */
    public Tensor abs() { return unary(UnaryOp.ABS); }

    /** e^x */
    public Tensor exp() { return floatUnary(UnaryOp.EXP); }

    /** Natural logarithm. */
    public Tensor log() { return floatUnary(UnaryOp.LOG); }

    /** log(1 + x), accurate for small x. */
    public Tensor log1p() { return floatUnary(UnaryOp.LOG1P); }

    /** Square root. */
    public Tensor sqrt() { return floatUnary(UnaryOp.SQRT); }

    /** 1 / sqrt(x). */
    public Tensor rsqrt() { return floatUnary(UnaryOp.RSQRT); }

    /** x * x. */
    public Tensor square() { return unary(UnaryOp.SQUARE); }

    /** max(x, 0). */
    public Tensor relu() { return unary(UnaryOp.RELU); }

    /** 1 / (1 + e^-x). */
    public Tensor sigmoid() { return floatUnary(UnaryOp.SIGMOID); }

    /** Hyperbolic tangent. */
    public Tensor tanh() { return floatUnary(UnaryOp.TANH); }

    /** Exact GELU, {@code x * Phi(x)}, as PyTorch's default. */
    public Tensor gelu() { return floatUnary(UnaryOp.GELU); }

    /** -1, 0 or 1. */
    public Tensor sign() { return unary(UnaryOp.SIGN); }

    /** Rounds down. */
    public Tensor floor() { return floatUnary(UnaryOp.FLOOR); }

    /** Rounds up. */
    public Tensor ceil() { return floatUnary(UnaryOp.CEIL); }

    /** Sine. */
    public Tensor sin() { return floatUnary(UnaryOp.SIN); }

    /** Cosine. */
    public Tensor cos() { return floatUnary(UnaryOp.COS); }

    /** The error function. */
    public Tensor erf() { return floatUnary(UnaryOp.ERF); }

    /** Logical not of a bool tensor. */
    public Tensor logicalNot() {
        requireDType(DType.BOOL, "logicalNot");
        return unary(UnaryOp.LOGICAL_NOT);
    }

    private void requireDType(DType expected, String op) {
        if (dtype() != expected) {
            throw new IllegalArgumentException(op + ": expected a " + expected + " tensor, got " + dtype());
        }
    }

    private Tensor binary(BinaryOp op, Tensor other) {
        checkSameBackend(op.name().toLowerCase(), other);
        Shapes.broadcast(op.name().toLowerCase(), shape(), other.shape());
        DType common = DType.promote(dtype(), other.dtype());
        if (op == BinaryOp.DIV && !common.isFloating()) {
            common = DType.FLOAT32; // true division, as torch.div
        }
        Tensor a = to(common);
        Tensor b = other.to(common);
        return w(k().binary(op, a.impl, b.impl));
    }

    private Tensor binary(BinaryOp op, double scalar) {
        DType t = dtype();
        boolean fractional = scalar != Math.rint(scalar) || Double.isInfinite(scalar) || Double.isNaN(scalar);
        if (!t.isFloating() && (fractional || op == BinaryOp.DIV || op == BinaryOp.POW && scalar < 0)) {
            t = DType.FLOAT32;
        }
        if (t == DType.BOOL && !op.isComparison()) {
            t = DType.INT64;
        }
        Tensor a = to(t);
        return w(k().binary(op, a.impl, k().scalar(scalar, t, device())));
    }

    private void checkSameBackend(String op, Tensor other) {
        if (other.backend != backend) {
            throw new IllegalArgumentException(op + ": operands live on different backends ("
                    + backend.name() + " and " + other.backend.name() + ")");
        }
        if (!other.device().equals(device())) {
            throw new IllegalArgumentException(op + ": operands are on different devices ("
                    + device() + " and " + other.device() + "); move one with the Strategy");
        }
    }

    /** this + other, broadcasting. */
    public Tensor add(Tensor other) { return binary(BinaryOp.ADD, other); }

    /** this + s. */
    public Tensor add(double s) { return binary(BinaryOp.ADD, s); }

    /** this - other, broadcasting. */
    public Tensor sub(Tensor other) { return binary(BinaryOp.SUB, other); }

    /** this - s. */
    public Tensor sub(double s) { return binary(BinaryOp.SUB, s); }

    /** s - this. */
    public Tensor rsub(double s) { return neg().add(s); }

    /** this * other, broadcasting. */
    public Tensor mul(Tensor other) { return binary(BinaryOp.MUL, other); }

    /** this * s. */
    public Tensor mul(double s) { return binary(BinaryOp.MUL, s); }

    /** this / other (true division), broadcasting. */
    public Tensor div(Tensor other) { return binary(BinaryOp.DIV, other); }

    /** this / s. */
    public Tensor div(double s) { return binary(BinaryOp.DIV, s); }

    /** this ^ other, broadcasting. */
    public Tensor pow(Tensor other) { return binary(BinaryOp.POW, other); }

    /** this ^ s. */
    public Tensor pow(double s) { return binary(BinaryOp.POW, s); }

    /** Elementwise maximum. */
    public Tensor maximum(Tensor other) { return binary(BinaryOp.MAXIMUM, other); }

    /** Elementwise maximum with a scalar. */
    public Tensor maximum(double s) { return binary(BinaryOp.MAXIMUM, s); }

    /** Elementwise minimum. */
    public Tensor minimum(Tensor other) { return binary(BinaryOp.MINIMUM, other); }

    /** Elementwise minimum with a scalar. */
    public Tensor minimum(double s) { return binary(BinaryOp.MINIMUM, s); }

    /** Limits values to {@code [min, max]}. */
    public Tensor clamp(double min, double max) {
        if (min > max) {
            throw new IllegalArgumentException("clamp: min " + min + " is greater than max " + max);
        }
        return maximum(min).minimum(max);
    }

    /** Limits values to at least {@code min}. */
    public Tensor clampMin(double min) { return maximum(min); }

    /** Limits values to at most {@code max}. */
    public Tensor clampMax(double max) { return minimum(max); }

    /** Elementwise ==. */
    public Tensor eq(Tensor other) { return binary(BinaryOp.EQ, other); }

    /** Elementwise == scalar. */
    public Tensor eq(double s) { return binary(BinaryOp.EQ, s); }

    /** Elementwise !=. */
    public Tensor ne(Tensor other) { return binary(BinaryOp.NE, other); }

    /** Elementwise != scalar. */
    public Tensor ne(double s) { return binary(BinaryOp.NE, s); }

    /** Elementwise &lt;. */
    public Tensor lt(Tensor other) { return binary(BinaryOp.LT, other); }

    /** Elementwise &lt; scalar. */
    public Tensor lt(double s) { return binary(BinaryOp.LT, s); }

    /** Elementwise &lt;=. */
    public Tensor le(Tensor other) { return binary(BinaryOp.LE, other); }

    /** Elementwise &lt;= scalar. */
    public Tensor le(double s) { return binary(BinaryOp.LE, s); }

    /** Elementwise &gt;. */
    public Tensor gt(Tensor other) { return binary(BinaryOp.GT, other); }

    /** Elementwise &gt; scalar. */
    public Tensor gt(double s) { return binary(BinaryOp.GT, s); }

    /** Elementwise &gt;=. */
    public Tensor ge(Tensor other) { return binary(BinaryOp.GE, other); }

    /** Elementwise &gt;= scalar. */
    public Tensor ge(double s) { return binary(BinaryOp.GE, s); }

    /** Logical and of bool tensors. */
    public Tensor logicalAnd(Tensor other) {
        requireDType(DType.BOOL, "logicalAnd");
        other.requireDType(DType.BOOL, "logicalAnd");
        return binary(BinaryOp.LOGICAL_AND, other);
    }

    /** Logical or of bool tensors. */
    public Tensor logicalOr(Tensor other) {
        requireDType(DType.BOOL, "logicalOr");
        other.requireDType(DType.BOOL, "logicalOr");
        return binary(BinaryOp.LOGICAL_OR, other);
    }

    /** {@code where(cond, this, other)}: this where this tensor's {@code cond} holds, else other. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        cond.requireDType(DType.BOOL, "where");
        a.checkSameBackend("where", b);
        a.checkSameBackend("where", cond);
        Shape ab = Shapes.broadcast("where", a.shape(), b.shape());
        Shapes.broadcast("where", cond.shape(), ab);
        DType common = DType.promote(a.dtype(), b.dtype());
        return a.w(a.k().where(cond.impl, a.to(common).impl, b.to(common).impl));
    }

    /** This tensor converted to {@code dtype}; returns this when it already has it. */
    public Tensor to(DType dtype) {
        return dtype == dtype() ? this : w(k().cast(impl, dtype));
    }

    /** The same values, cut from the gradient graph. */
    public Tensor detach() {
        return w(k().stopGradient(impl));
    }

    /** Training-mode dropout with probability {@code p} (a no-op when {@code p == 0}). */
    public Tensor dropout(double p) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1), got " + p);
        }
        requireFloating("dropout");
        return p == 0 ? this : w(k().dropout(impl, p));
    }

    // ---------------------------------------------------------------- reductions

    private int[] dims(String op, int... dims) {
        int rank = rank();
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            try {
                out[i] = Shape.normalizeDim(dims[i], rank);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(op + ": " + e.getMessage() + ", shape " + shape(), e);
            }
        }
        int[] sorted = Arrays.stream(out).sorted().distinct().toArray();
        if (sorted.length != out.length) {
            throw new IllegalArgumentException(op + ": dimensions " + Arrays.toString(dims) + " repeat");
        }
        return sorted;
    }

    private Tensor reduce(ReduceOp op, boolean keepDim, int... dims) {
        String name = op.name().toLowerCase();
        if (op == ReduceOp.MEAN) {
            requireFloating("mean");
        }
        return w(k().reduce(op, impl, dims(name, dims), keepDim));
    }

    /** Sum of all elements. */
    public Tensor sum() { return reduce(ReduceOp.SUM, false); }

    /** Sum over {@code dim}. */
    public Tensor sum(int dim, boolean keepDim) { return reduce(ReduceOp.SUM, keepDim, dim); }

    /** Sum over several dimensions. */
    public Tensor sum(int[] dims, boolean keepDim) { return reduce(ReduceOp.SUM, keepDim, dims); }

    /** Mean of all elements. */
    public Tensor mean() { return reduce(ReduceOp.MEAN, false); }

    /** Mean over {@code dim}. */
    public Tensor mean(int dim, boolean keepDim) { return reduce(ReduceOp.MEAN, keepDim, dim); }

    /** Mean over several dimensions. */
    public Tensor mean(int[] dims, boolean keepDim) { return reduce(ReduceOp.MEAN, keepDim, dims); }

    /** Largest element. */
    public Tensor max() { return reduce(ReduceOp.MAX, false); }

    /** Largest values along {@code dim} (PyTorch's {@code amax}). */
    public Tensor max(int dim, boolean keepDim) { return reduce(ReduceOp.MAX, keepDim, dim); }

    /** Smallest element. */
    public Tensor min() { return reduce(ReduceOp.MIN, false); }

    /** Smallest values along {@code dim} (PyTorch's {@code amin}). */
    public Tensor min(int dim, boolean keepDim) { return reduce(ReduceOp.MIN, keepDim, dim); }

    /** Index of the largest value along {@code dim}, INT64. */
    public Tensor argmax(int dim, boolean keepDim) {
        return w(k().argReduce(ArgReduceOp.ARGMAX, impl, dims("argmax", dim)[0], keepDim));
    }

    /** Index of the smallest value along {@code dim}, INT64. */
    public Tensor argmin(int dim, boolean keepDim) {
        return w(k().argReduce(ArgReduceOp.ARGMIN, impl, dims("argmin", dim)[0], keepDim));
    }

    /** {@code log(sum(exp(x)))} along {@code dim}, computed stably. */
    public Tensor logsumexp(int dim, boolean keepDim) {
        Tensor m = max(dim, true).detach();
        Tensor s = sub(m).exp().sum(dim, true).log().add(m);
        return keepDim ? s : s.squeeze(dim);
    }

    /** Variance along {@code dim}; {@code unbiased} divides by n-1 as PyTorch's default. */
    public Tensor var(int dim, boolean unbiased, boolean keepDim) {
        Tensor centered = sub(mean(dim, true));
        Tensor ss = centered.square().sum(dim, keepDim);
        long n = size(dim);
        if (n == Shape.UNKNOWN) {
            Tensor count = onesLike().sum(dim, keepDim);
            return ss.div(unbiased ? count.sub(1) : count);
        }
        return ss.div(unbiased ? n - 1 : n);
    }

    // ---------------------------------------------------------------- nn ops

    /** Softmax along {@code dim}. */
    public Tensor softmax(int dim) {
        requireFloating("softmax");
        return w(k().softmax(impl, dims("softmax", dim)[0]));
    }

    /** Log-softmax along {@code dim}. */
    public Tensor logSoftmax(int dim) {
        requireFloating("logSoftmax");
        return w(k().logSoftmax(impl, dims("logSoftmax", dim)[0]));
    }

    /**
     * Cross-entropy of each row of these logits {@code [N, C]} at its class in {@code target}
     * {@code [N]} (integer, every value in {@code [0, C)}): {@code -logSoftmax(1).takeAlongLastDim(target)},
     * shape {@code [N]}. Engines with a fused kernel for it ({@link FusedLossKernels}) compute it in one
     * op, with the same numbers up to float rounding. {@code F.crossEntropy} builds on this; it is the
     * unmasked, unreduced core, so labels outside {@code [0, C)} are the caller's to exclude.
     */
    public Tensor softmaxCrossEntropy(Tensor target) {
        String op = "softmaxCrossEntropy";
        requireFloating(op);
        checkSameBackend(op, target);
        if (rank() != 2 || target.rank() != 1) {
            throw new IllegalArgumentException(op + ": expects logits [N, C] and target [N], got " + shape() + " and "
                    + target.shape());
        }
        if (target.dtype() != DType.INT64 && target.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + ": target must hold integer class indices (INT64 or INT32), got "
                    + target.dtype());
        }
        long n = size(0);
        long m = target.size(0);
        if (n != Shape.UNKNOWN && m != Shape.UNKNOWN && n != m) {
            throw new IllegalArgumentException(op + ": logits " + shape() + " and target " + target.shape()
                    + " must have the same number of rows");
        }
        Tensor index = target.to(DType.INT64); // once, for the fused kernel or the gather below
        if (k() instanceof FusedLossKernels fused && fused.fusesSoftmaxCrossEntropy(impl, index.impl)) {
            return w(fused.softmaxCrossEntropy(impl, index.impl));
        }
        return logSoftmax(1).takeAlongLastDim(index).neg();
    }

    /**
     * Matrix product as {@code torch.matmul}: 1-D operands are treated as vectors, operands of rank
     * 2 or more multiply their last two dimensions and broadcast the rest.
     */
    public Tensor matmul(Tensor other) {
        checkSameBackend("matmul", other);
        if (rank() == 0 || other.rank() == 0) {
            throw new IllegalArgumentException("matmul: operands must have rank >= 1, got shapes "
                    + shape() + " and " + other.shape());
        }
        if (rank() == 1 && other.rank() == 1) {
            return unsqueeze(0).matmul(other.unsqueeze(1)).reshape();
        }
        if (rank() == 1) {
            return unsqueeze(0).matmul(other).squeeze(-2);
        }
        if (other.rank() == 1) {
            return matmul(other.unsqueeze(1)).squeeze(-1);
        }
        long k1 = size(-1);
        long k2 = other.size(-2);
        if (k1 != Shape.UNKNOWN && k2 != Shape.UNKNOWN && k1 != k2) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + shape() + " @ "
                    + other.shape() + " (" + k1 + " vs " + k2 + ")");
        }
        Shapes.broadcast("matmul (batch dimensions)", Shapes.batchDims(shape()), Shapes.batchDims(other.shape()));
        DType common = DType.promote(dtype(), other.dtype());
        return w(k().matmul(to(common).impl, other.to(common).impl));
    }

    /** PyTorch's {@code gather} along {@code dim} with an integer index of the same rank. */
    public Tensor gather(int dim, Tensor index) {
        checkSameBackend("gather", index);
        if (index.rank() != rank()) {
            throw new IllegalArgumentException("gather: index rank " + index.rank() + " (shape " + index.shape()
                    + ") must equal input rank " + rank() + " (shape " + shape() + ")");
        }
        if (index.dtype().isFloating() || index.dtype() == DType.BOOL) {
            throw new IllegalArgumentException("gather: index must be an integer tensor, got " + index.dtype());
        }
        return w(k().gather(impl, dims("gather", dim)[0], index.to(DType.INT64).impl));
    }

    /** Slices of this tensor at the positions in the 1-D integer {@code index} along {@code dim}. */
    public Tensor indexSelect(int dim, Tensor index) {
        checkSameBackend("indexSelect", index);
        if (index.rank() != 1 || index.dtype().isFloating()) {
            throw new IllegalArgumentException("indexSelect: index must be a 1-D integer tensor, got "
                    + index.dtype() + " " + index.shape());
        }
        return w(k().indexSelect(impl, dims("indexSelect", dim)[0], index.to(DType.INT64).impl));
    }

    /** One-hot encoding of this integer tensor along a new last dimension. */
    public Tensor oneHot(int numClasses, DType dtype) {
        if (dtype().isFloating()) {
            throw new IllegalArgumentException("oneHot: expected integer class indices, got " + dtype());
        }
        if (numClasses <= 0) {
            throw new IllegalArgumentException("oneHot: numClasses must be positive, got " + numClasses);
        }
        return w(k().oneHot(to(DType.INT64).impl, numClasses, dtype));
    }

    /**
     * One element of each row along the last dimension: {@code out[i...] = this[i..., index[i...]]}
     * for this tensor {@code [..., C]} and an integer {@code index} {@code [...]} with its leading
     * dimensions, as {@code torch.take_along_dim(x, index.unsqueeze(-1), -1).squeeze(-1)} (what
     * {@code nll_loss} picks). Indices outside {@code [0, C)} are reported by the engine.
     */
    public Tensor takeAlongLastDim(Tensor index) {
        String op = "takeAlongLastDim";
        checkSameBackend(op, index);
        if (index.dtype() != DType.INT64 && index.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + ": index must hold integer positions (INT64 or INT32), got "
                    + index.dtype() + " with shape " + index.shape());
        }
        if (rank() < 1 || index.rank() != rank() - 1) {
            throw new IllegalArgumentException(op + ": index must have the leading dimensions of " + shape()
                    + " (rank " + Math.max(rank() - 1, 0) + "), got " + index.shape());
        }
        for (int d = 0; d < index.rank(); d++) {
            long a = size(d);
            long b = index.size(d);
            if (a != Shape.UNKNOWN && b != Shape.UNKNOWN && a != b) {
                throw new IllegalArgumentException(op + ": index " + index.shape() + " must have the leading dimensions of "
                        + shape() + "; dimension " + d + " differs");
            }
        }
        return w(k().takeAlongLastDim(impl, index.to(DType.INT64).impl));
    }

    /**
     * Convolution (cross-correlation, no bias) as {@code torch.nn.functional.conv1d}/{@code conv2d}:
     * this tensor is {@code [N, C_in, L]} or {@code [N, C_in, H, W]}, {@code weight}
     * {@code [C_out, C_in/groups, k...]}; {@code stride}, {@code padding} (zeros on both sides) and
     * {@code dilation} hold one value per spatial dimension.
     */
    public Tensor conv(Tensor weight, int[] stride, int[] padding, int[] dilation, int groups) {
        return conv(weight, null, stride, padding, dilation, groups);
    }

    /**
     * Convolution as {@link #conv(Tensor, int[], int[], int[], int)} with a {@code [C_out]} bias added
     * per output channel (null for none), in the engine's fused kernel.
     */
    public Tensor conv(Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        String op = rank() == 3 ? "conv1d" : rank() == 4 ? "conv2d" : "conv";
        checkSameBackend(op, weight);
        requireFloating(op);
        if (!weight.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": weight must be floating point, got " + weight.dtype()
                    + " with shape " + weight.shape());
        }
        WindowShapes.convOutput(op, shape(), weight.shape(), stride, padding, dilation, groups);
        checkBias(op, bias, weight, "one value per output channel of weight " + weight.shape());
        DType common = commonType(weight, bias);
        return w(k().conv(to(common).impl, weight.to(common).impl, bias == null ? null : bias.to(common).impl,
                stride.clone(), padding.clone(), dilation.clone(), groups));
    }

    /**
     * {@code this @ weight^T + bias} over the last dimension, the fused kernel behind
     * {@code F.linear}: this tensor is {@code [..., in]} (rank 1 or more), {@code weight}
     * {@code [out, in]}, {@code bias} {@code [out]} or null.
     */
    public Tensor linear(Tensor weight, Tensor bias) {
        String op = "linear";
        checkSameBackend(op, weight);
        requireFloating(op);
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("linear: weight must have shape [out, in], got " + weight.shape());
        }
        if (rank() < 1) {
            throw new IllegalArgumentException("linear: input must have shape [..., in], got a scalar");
        }
        long in = weight.size(1);
        long xin = size(-1);
        if (in != Shape.UNKNOWN && xin != Shape.UNKNOWN && in != xin) {
            throw new IllegalArgumentException("linear: input " + shape() + " has " + xin
                    + " features in its last dimension but weight " + weight.shape() + " expects " + in);
        }
        checkBias(op, bias, weight, "to match weight " + weight.shape());
        if (rank() == 1) {
            return unsqueeze(0).linear(weight, bias).squeeze(0);
        }
        DType common = commonType(weight, bias);
        return w(k().linear(to(common).impl, weight.to(common).impl, bias == null ? null : bias.to(common).impl));
    }

    /** A bias (or null) of {@code [weight.size(0)]} on this backend; {@code what} says what it must match. */
    private void checkBias(String op, Tensor bias, Tensor weight, String what) {
        if (bias == null) {
            return;
        }
        checkSameBackend(op, bias);
        if (bias.rank() != 1 || (bias.size(0) != Shape.UNKNOWN && weight.size(0) != Shape.UNKNOWN
                && bias.size(0) != weight.size(0))) {
            throw new IllegalArgumentException(op + ": bias must have shape [" + weight.size(0) + "] (" + what + "), got "
                    + bias.shape());
        }
    }

    /** The dtype this tensor, {@code weight} and {@code bias} (if any) are computed in. */
    private DType commonType(Tensor weight, Tensor bias) {
        DType common = DType.promote(dtype(), weight.dtype());
        return bias == null ? common : DType.promote(common, bias.dtype());
    }

    /**
     * Max pooling of {@code [N, C, L]} or {@code [N, C, H, W]} as {@code max_pool1d}/{@code max_pool2d}
     * (floor mode, padding counts as minus infinity and is at most half the kernel).
     */
    public Tensor maxPool(int[] kernel, int[] stride, int[] padding) {
        String op = rank() == 3 ? "maxPool1d" : rank() == 4 ? "maxPool2d" : "maxPool";
        requireFloating(op);
        WindowShapes.poolOutput(op, shape(), kernel, stride, padding);
        return w(k().maxPool(impl, kernel.clone(), stride.clone(), padding.clone()));
    }

    /**
     * Average pooling of {@code [N, C, L]} or {@code [N, C, H, W]} as {@code avg_pool1d}/{@code avg_pool2d}
     * with PyTorch's defaults: floor mode and {@code count_include_pad=True} (zero padding counts).
     */
    public Tensor avgPool(int[] kernel, int[] stride, int[] padding) {
        String op = rank() == 3 ? "avgPool1d" : rank() == 4 ? "avgPool2d" : "avgPool";
        requireFloating(op);
        WindowShapes.poolOutput(op, shape(), kernel, stride, padding);
        return w(k().avgPool(impl, kernel.clone(), stride.clone(), padding.clone()));
    }

    // ---------------------------------------------------------------- shape ops

    /** Reshapes; one dimension may be -1 and is then inferred. */
    public Tensor reshape(long... newShape) {
        int inferred = 0;
        long known = 1;
        for (long d : newShape) {
            if (d == -1) {
                inferred++;
            } else if (d < 0) {
                throw new IllegalArgumentException("reshape: invalid dimension " + d + " in " + Arrays.toString(newShape));
            } else {
                known *= d;
            }
        }
        if (inferred > 1) {
            throw new IllegalArgumentException("reshape: only one dimension can be -1, got " + Arrays.toString(newShape));
        }
        long n = shape().numel();
        if (n != Shape.UNKNOWN && (inferred == 0 ? known != n : known == 0 || n % known != 0)) {
            throw new IllegalArgumentException("reshape: cannot view shape " + shape() + " (" + n
                    + " elements) as " + Arrays.toString(newShape));
        }
        return w(k().reshape(impl, newShape.clone()));
    }

    /** Reshapes to {@code shape}. */
    public Tensor reshape(Shape newShape) {
        return reshape(newShape.dims());
    }

    /** Flattens dimensions {@code startDim} to the last into one. */
    public Tensor flatten(int startDim) {
        int s = Shape.normalizeDim(startDim, rank());
        long[] out = new long[s + 1];
        for (int i = 0; i < s; i++) {
            long d = size(i);
            out[i] = d;
        }
        out[s] = -1;
        // With an unknown leading dimension only one -1 is allowed: keep the known rest explicit.
        long rest = 1;
        boolean restKnown = true;
        for (int i = s; i < rank(); i++) {
            if (size(i) == Shape.UNKNOWN) {
                restKnown = false;
            } else {
                rest *= size(i);
            }
        }
        if (restKnown) {
            out[s] = rest;
            int unknown = 0;
            for (int i = 0; i < s; i++) {
                if (out[i] == Shape.UNKNOWN) {
                    unknown++;
                }
            }
            if (unknown > 1) {
                throw new IllegalArgumentException("flatten: more than one unknown leading dimension in " + shape());
            }
        }
        return reshape(out);
    }

    /** Reorders the dimensions. */
    public Tensor permute(int... order) {
        if (order.length != rank()) {
            throw new IllegalArgumentException("permute: got " + order.length + " dimensions "
                    + Arrays.toString(order) + " for a tensor of rank " + rank() + " (shape " + shape() + ")");
        }
        int[] norm = new int[order.length];
        boolean[] seen = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            norm[i] = Shape.normalizeDim(order[i], rank());
            if (seen[norm[i]]) {
                throw new IllegalArgumentException("permute: dimension " + order[i] + " repeats in " + Arrays.toString(order));
            }
            seen[norm[i]] = true;
        }
        return w(k().permute(impl, norm));
    }

    /** Swaps two dimensions. */
    public Tensor transpose(int dim0, int dim1) {
        int[] order = new int[rank()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int a = Shape.normalizeDim(dim0, rank());
        int b = Shape.normalizeDim(dim1, rank());
        order[a] = b;
        order[b] = a;
        return a == b ? this : w(k().permute(impl, order));
    }

    /** Transpose of a matrix (rank &lt;= 2), as {@code torch.Tensor.t}. */
    public Tensor t() {
        if (rank() > 2) {
            throw new IllegalArgumentException("t: expects a tensor of rank <= 2, got shape " + shape()
                    + "; use transpose(dim0, dim1)");
        }
        return rank() < 2 ? this : transpose(0, 1);
    }

    /** Removes dimension {@code dim}, which must have size 1. */
    public Tensor squeeze(int dim) {
        int d = Shape.normalizeDim(dim, rank());
        long size = shape().get(d);
        if (size != 1 && size != Shape.UNKNOWN) {
            throw new IllegalArgumentException("squeeze: dimension " + dim + " of shape " + shape() + " has size " + size + ", expected 1");
        }
        return w(k().squeeze(impl, d));
    }

    /** Inserts a dimension of size 1 at {@code dim} (negative counts from the end of the result). */
    public Tensor unsqueeze(int dim) {
        int d = dim < 0 ? dim + rank() + 1 : dim;
        if (d < 0 || d > rank()) {
            throw new IllegalArgumentException("unsqueeze: dimension " + dim + " is out of range for rank " + rank());
        }
        return w(k().unsqueeze(impl, d));
    }

    /** Broadcasts to {@code shape} (PyTorch's {@code expand}); -1 keeps a dimension. */
    public Tensor expand(long... newShape) {
        long[] target = newShape.clone();
        int offset = target.length - rank();
        if (offset < 0) {
            throw new IllegalArgumentException("expand: target " + Arrays.toString(newShape) + " has fewer dimensions than " + shape());
        }
        for (int i = 0; i < rank(); i++) {
            long own = size(i);
            if (target[i + offset] == -1) {
                target[i + offset] = own;
            } else if (own != 1 && own != Shape.UNKNOWN && own != target[i + offset]) {
                throw new IllegalArgumentException("expand: cannot expand " + shape() + " to " + Arrays.toString(newShape)
                        + " (dimension " + i + " is " + own + ")");
            }
        }
        return w(k().broadcastTo(impl, target));
    }

    /** Elements {@code start} (inclusive) to {@code end} (exclusive) along {@code dim}; negatives count from the end. */
    public Tensor slice(int dim, long start, long end) {
        return slice(dim, start, end, 1);
    }

    /** Every {@code step}-th element from {@code start} to {@code end} along {@code dim}. */
    public Tensor slice(int dim, long start, long end, long step) {
        int d = Shape.normalizeDim(dim, rank());
        if (step <= 0) {
            throw new IllegalArgumentException("slice: step must be positive, got " + step);
        }
        long n = size(d);
        if (n != Shape.UNKNOWN) {
            long s = start < 0 ? Math.max(0, start + n) : Math.min(start, n);
            long e = end < 0 ? Math.max(0, end + n) : Math.min(end, n);
            return w(k().slice(impl, d, s, Math.max(s, e), step));
        }
        return w(k().slice(impl, d, start, end, step));
    }

    /** Elements from {@code start} to the end along {@code dim}. */
    public Tensor sliceFrom(int dim, long start) {
        return slice(dim, start, Long.MAX_VALUE, 1);
    }

    /** The sub-tensor at {@code index} along {@code dim}, removing that dimension (negative index counts from the end). */
    public Tensor select(int dim, long index) {
        int d = Shape.normalizeDim(dim, rank());
        long n = size(d);
        if (n != Shape.UNKNOWN && (index >= n || index < -n)) {
            throw new IllegalArgumentException("select: index " + index + " is out of range for dimension " + dim
                    + " of size " + n + " (shape " + shape() + ")");
        }
        long end = index == -1 ? Long.MAX_VALUE : index + 1;
        return slice(d, index, end, 1).squeeze(d);
    }

    /** Joins tensors along an existing dimension. */
    public static Tensor concat(List<Tensor> tensors, int dim) {
        Tensor first = checkJoin("concat", tensors);
        int d = Shape.normalizeDim(dim, first.rank());
        for (Tensor t : tensors) {
            for (int i = 0; i < first.rank(); i++) {
                if (i != d && t.size(i) != first.size(i) && t.size(i) != Shape.UNKNOWN && first.size(i) != Shape.UNKNOWN) {
                    throw new IllegalArgumentException("concat: shapes " + first.shape() + " and " + t.shape()
                            + " differ outside dimension " + dim);
                }
            }
        }
        return first.w(first.k().concat(natives(tensors, first.dtype()), d));
    }

    /** Joins tensors of equal shape along a new dimension. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        Tensor first = checkJoin("stack", tensors);
        for (Tensor t : tensors) {
            if (!t.shape().equals(first.shape())) {
                throw new IllegalArgumentException("stack: all shapes must be equal, got " + first.shape() + " and " + t.shape());
            }
        }
        int d = dim < 0 ? dim + first.rank() + 1 : dim;
        if (d < 0 || d > first.rank()) {
            throw new IllegalArgumentException("stack: dimension " + dim + " is out of range for rank " + first.rank());
        }
        return first.w(first.k().stack(natives(tensors, first.dtype()), d));
    }

    private static Tensor checkJoin(String op, List<Tensor> tensors) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException(op + ": needs at least one tensor");
        }
        Tensor first = tensors.get(0);
        for (Tensor t : tensors) {
            first.checkSameBackend(op, t);
            if (t.rank() != first.rank()) {
                throw new IllegalArgumentException(op + ": ranks differ: " + first.shape() + " and " + t.shape());
            }
        }
        return first;
    }

    private static List<NativeTensor> natives(List<Tensor> tensors, DType dtype) {
        DType common = dtype;
        for (Tensor t : tensors) {
            common = DType.promote(common, t.dtype());
        }
        List<NativeTensor> out = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) {
            out.add(t.to(common).impl);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Tensor(" + shape() + ", " + dtype() + ", " + device() + ", " + backend.name() + ")";
    }
}
