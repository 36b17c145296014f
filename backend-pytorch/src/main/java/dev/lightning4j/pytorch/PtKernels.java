package dev.lightning4j.pytorch;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.lightning4j.backend.FusedOptimizerKernels;
import dev.lightning4j.backend.InPlaceKernels;
import dev.lightning4j.backend.Kernels;
import dev.lightning4j.backend.NativeTensor;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * The primitive ops on libtorch, called through DJL's {@link JniUtils} (one JNI call per op where
 * libtorch has the op). Results are re-owned by the calling thread's current scope.
 *
 * <p>The API has validated arguments before these run, so no checks are repeated here. libtorch's
 * own errors (an {@link EngineException}) are rethrown naming the op and the operands' shapes.
 */
final class PtKernels implements Kernels, InPlaceKernels, FusedOptimizerKernels {
    private final PyTorchBackend backend;

    PtKernels(PyTorchBackend backend) {
        this.backend = backend;
    }

    private PtTensor t(NativeTensor x) {
        return backend.unwrap(x, "kernel");
    }

    private PtTensor own(PtNDArray r, DType dtype, Device device) {
        return backend.own(r, dtype, device);
    }

    private static RuntimeException fail(String op, EngineException e, NativeTensor... operands) {
        StringBuilder sb = new StringBuilder(op).append(": libtorch rejected operands");
        for (NativeTensor o : operands) {
            sb.append(' ').append(o.dtype()).append(o.shape());
        }
        return new IllegalArgumentException(sb.append(": ").append(e.getMessage()).toString(), e);
    }

    // ------------------------------------------------------------------ elementwise

    @Override
    public NativeTensor unary(UnaryOp op, NativeTensor x) {
        PtTensor in = t(x);
        PtNDArray a = in.array();
        try {
            PtNDArray r = switch (op) {
                case NEG -> JniUtils.neg(a);
                case ABS -> JniUtils.abs(a);
                case EXP -> JniUtils.exp(a);
                case LOG -> JniUtils.log(a);
                case LOG1P -> log1p(a, in.dtype());
                case SQRT -> JniUtils.sqrt(a);
                case RSQRT -> rsqrt(a, in.dtype());
                case SQUARE -> JniUtils.square(a);
                case RELU -> JniUtils.relu(a);
                case SIGMOID -> JniUtils.sigmoid(a);
                case TANH -> JniUtils.tanh(a);
                case GELU -> JniUtils.gelu(a); // torch::gelu with approximate="none": the exact erf form
                case SIGN -> JniUtils.sign(a);
                case FLOOR -> JniUtils.floor(a);
                case CEIL -> JniUtils.ceil(a);
                case SIN -> JniUtils.sin(a);
                case COS -> JniUtils.cos(a);
                case ERF -> JniUtils.erf(a);
                case LOGICAL_NOT -> JniUtils.logicalNot(a);
            };
            // Elementwise: the result has the operand's shape (passed on when known, see backend.own).
            return backend.own(r, in.dtype(), in.device(), in.knownShape());
        } catch (EngineException e) {
            throw fail(op.name().toLowerCase(java.util.Locale.ROOT), e, x);
        }
    }

    private PtNDArray scalarArray(double value, DType dtype, PtNDArray like) {
        return JniUtils.full(like.getManager(), PyTorchBackend.djlShape(Shape.scalar()), value,
                PtTypes.toDjl(dtype), like.getDevice(), SparseFormat.DENSE);
    }

    /** 1/sqrt(x) as x^-0.5: DJL has no rsqrt binding, and pow is one kernel with the right gradient. */
    private PtNDArray rsqrt(PtNDArray a, DType dtype) {
        PtNDArray e = scalarArray(-0.5, dtype, a);
        try {
            return JniUtils.pow(a, e);
        } finally {
            e.close();
        }
    }

    /**
     * log(1 + x) without the cancellation of the naive form (DJL has no log1p binding): with
     * u = 1 + x rounded, log1p(x) = x when u == 1, else log(u) * x / (u - 1) (Goldberg/Kahan). Both
     * branches of the where are finite, so gradients are too.
     */
    private PtNDArray log1p(PtNDArray x, DType dtype) {
        PtNDArray one = scalarArray(1, dtype, x);
        PtNDArray zero = scalarArray(0, dtype, x);
        PtNDArray u = JniUtils.add(x, one);
        PtNDArray d = JniUtils.sub(u, one);
        PtNDArray exact = JniUtils.eq(d, zero);
        PtNDArray dSafe = JniUtils.where(exact, one, d);
        PtNDArray q = JniUtils.div(x, dSafe);
        PtNDArray logU = JniUtils.log(u);
        PtNDArray p = JniUtils.mul(logU, q);
        PtNDArray r = JniUtils.where(exact, x, p);
        for (PtNDArray tmp : new PtNDArray[] {one, zero, u, d, exact, dSafe, q, logU, p}) {
            tmp.close();
        }
        return r;
    }

    @Override
    public NativeTensor binary(BinaryOp op, NativeTensor a, NativeTensor b) {
        PtTensor ta = t(a);
        PtTensor tb = t(b);
        PtNDArray x = ta.array();
        PtNDArray y = tb.array();
        try {
            PtNDArray r = switch (op) {
                case ADD -> JniUtils.add(x, y);
                case SUB -> JniUtils.sub(x, y);
                case MUL -> JniUtils.mul(x, y);
                case DIV -> JniUtils.div(x, y);
                case POW -> JniUtils.pow(x, y);
                case MAXIMUM -> JniUtils.max(x, y);
                case MINIMUM -> JniUtils.min(x, y);
                case EQ -> JniUtils.eq(x, y);
                case NE -> JniUtils.neq(x, y);
                case LT -> JniUtils.lt(x, y);
                case LE -> JniUtils.lte(x, y);
                case GT -> JniUtils.gt(x, y);
                case GE -> JniUtils.gte(x, y);
                case LOGICAL_AND -> JniUtils.logicalAnd(x, y);
                case LOGICAL_OR -> JniUtils.logicalOr(x, y);
            };
            // The broadcast shape of the operands, when both are known (see backend.own).
            Shape sa = ta.knownShape();
            Shape sb = tb.knownShape();
            Shape shape = sa == null || sb == null ? null
                    : sa.equals(sb) ? sa : dev.lightning4j.tensor.Shapes.broadcast(op.name(), sa, sb);
            return backend.own(r, op.isComparison() ? DType.BOOL : ta.dtype(), ta.device(), shape);
        } catch (EngineException e) {
            throw fail(op.name().toLowerCase(java.util.Locale.ROOT), e, a, b);
        }
    }

    /**
     * libtorch's in-place op ({@code add_}, {@code sub_}, {@code mul_}, {@code div_}): the same
     * elementwise kernel as the out-of-place op, writing into {@code target}, so the values equal
     * {@link #binary}'s while saving the result's allocation (and, for a variable's value, the copy of
     * assign). Run under no_grad: an in-place op on a parameter (a leaf that requires grad) is only
     * allowed there, and an update is never part of a gradient.
     */
    @Override
    public void binaryInPlace(BinaryOp op, NativeTensor target, NativeTensor x) {
        PtTensor tt = t(target);
        PtTensor tx = t(x);
        if (tt.dtype() != tx.dtype() || !(tx.shape().rank() == 0 || tx.shape().equals(tt.shape()))) {
            throw new IllegalArgumentException("binaryInPlace(" + op + "): expected a " + tt.dtype() + " scalar or "
                    + tt.shape() + " operand, got " + tx.dtype() + " " + tx.shape());
        }
        PtNDArray a = tt.array();
        PtNDArray b = tx.array();
        backend.withoutGrad(() -> {
            switch (op) {
                case ADD -> JniUtils.addi(a, b);
                case SUB -> JniUtils.subi(a, b);
                case MUL -> JniUtils.muli(a, b);
                case DIV -> JniUtils.divi(a, b);
                default -> throw new IllegalArgumentException("binaryInPlace: unsupported op " + op
                        + "; expected ADD, SUB, MUL or DIV");
            }
        });
    }

    /** DJL's Adam kernel takes float hyperparameters: fused for float32 only, so float64 keeps its precision. */
    @Override
    public boolean fusesAdam(Variable param) {
        return param instanceof PtVariable && param.dtype() == DType.FLOAT32;
    }

    @Override
    public void adamStep(Variable param, Variable expAvg, Variable expAvgSq, NativeTensor grad, AdamScalars s) {
        PtNDArray w = variable(param).array();
        PtNDArray m = variable(expAvg).array();
        PtNDArray v = variable(expAvgSq).array();
        PtNDArray g = t(grad).array();
        float lr = (float) s.lr().value().getAsDouble();
        float beta1 = (float) s.beta1().value().getAsDouble();
        float beta2 = (float) s.beta2().value().getAsDouble();
        float eps = (float) s.eps().value().getAsDouble();
        backend.withoutGrad(() -> {
            if (s.decay() != null) {
                JniUtils.muli(w, t(s.decay().tensor().get()).array()); // AdamW: p *= 1 - lr * weight_decay, as torch
            }
            // DJL's fused update (what ai.djl.training.optimizer.Adam calls): m and v in place, then
            // p -= lr * m / (sqrt(v) + eps); no rescaling (1), no clipping (-1), weight decay already in g.
            JniUtils.adamUpdate(w, g, m, v, 0f, lr, 0f, 1f, -1f, beta1, beta2, eps, false);
        });
    }

    private static PtVariable variable(Variable v) {
        if (v instanceof PtVariable pv) {
            return pv;
        }
        throw new IllegalArgumentException("adamStep: " + v + " is not a PyTorch variable");
    }

    // ------------------------------------------------------------------ creation

    @Override
    public NativeTensor scalar(double value, DType dtype, Device device) {
        return full(Shape.scalar(), value, dtype, device);
    }

    @Override
    public NativeTensor full(Shape shape, double value, DType dtype, Device device) {
        backend.checkOpen();
        PtNDArray r = JniUtils.full(backend.currentManager(), PyTorchBackend.djlShape(shape), value,
                PtTypes.toDjl(dtype), PtTypes.toDjl(device), SparseFormat.DENSE);
        return new PtTensor(r, dtype, device, shape, false);
    }

    @Override
    public NativeTensor fullLike(NativeTensor like, double value, DType dtype) {
        return full(like.shape(), value, dtype, like.device());
    }

    // ------------------------------------------------------------------ reductions

    @Override
    public NativeTensor reduce(ReduceOp op, NativeTensor x, int[] dims, boolean keepDim) {
        PtTensor in = t(x);
        PtNDArray a = in.array();
        int rank = in.shape().rank();
        boolean all = dims.length == 0 || dims.length == rank;
        int[] axes = dims.length == 0 ? allDims(rank) : dims;
        try {
            PtNDArray r;
            DType dtype = in.dtype();
            switch (op) {
                case SUM -> {
                    r = all && !keepDim ? JniUtils.sum(a) : JniUtils.sum(a, toLong(axes), keepDim);
                    if (!dtype.isFloating()) {
                        dtype = null; // torch sums bool and int32 to int64: read it from the result
                    }
                }
                case MEAN -> {
                    if (all && !keepDim) {
                        r = JniUtils.mean(a);
                    } else if (axes.length == 1) {
                        r = JniUtils.mean(a, axes[0], keepDim);
                    } else {
                        // DJL binds mean over one dim only: sum over the dims, divide by their size.
                        long count = 1;
                        for (int d : axes) {
                            count *= in.shape().get(d);
                        }
                        PtNDArray s = JniUtils.sum(a, toLong(axes), keepDim);
                        PtNDArray n = scalarArray(count, dtype, a);
                        r = JniUtils.div(s, n);
                        s.close();
                        n.close();
                    }
                }
                case MAX, MIN -> {
                    boolean max = op == ReduceOp.MAX;
                    if (all && !keepDim) {
                        r = max ? JniUtils.max(a) : JniUtils.min(a);
                    } else {
                        // One dim at a time, last first so earlier indices stay valid without keepDim.
                        PtNDArray cur = a;
                        for (int i = axes.length - 1; i >= 0; i--) {
                            PtNDArray next = max ? JniUtils.max(cur, axes[i], keepDim) : JniUtils.min(cur, axes[i], keepDim);
                            if (cur != a) {
                                cur.close();
                            }
                            cur = next;
                        }
                        r = cur;
                    }
                }
                default -> throw new IllegalArgumentException("reduce: unknown op " + op);
            }
            return own(r, dtype, in.device());
        } catch (EngineException e) {
            throw fail(op.name().toLowerCase(java.util.Locale.ROOT) + " over " + Arrays.toString(dims), e, x);
        }
    }

    private static int[] allDims(int rank) {
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = i;
        }
        return d;
    }

    private static long[] toLong(int[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    @Override
    public NativeTensor argReduce(ArgReduceOp op, NativeTensor x, int dim, boolean keepDim) {
        PtTensor in = t(x);
        try {
            PtNDArray r = op == ArgReduceOp.ARGMAX
                    ? JniUtils.argMax(in.array(), dim, keepDim)
                    : JniUtils.argMin(in.array(), dim, keepDim);
            return own(r, DType.INT64, in.device());
        } catch (EngineException e) {
            throw fail(op.name().toLowerCase(java.util.Locale.ROOT), e, x);
        }
    }

    // ------------------------------------------------------------------ nn ops

    @Override
    public NativeTensor matmul(NativeTensor a, NativeTensor b) {
        PtTensor ta = t(a);
        try {
            return own(JniUtils.matmul(ta.array(), t(b).array()), ta.dtype(), ta.device());
        } catch (EngineException e) {
            throw fail("matmul", e, a, b);
        }
    }

    @Override
    public NativeTensor linear(NativeTensor x, NativeTensor weight, NativeTensor bias) {
        PtTensor in = t(x);
        try {
            // torch::nn::functional::linear: one addmm (or matmul and add for rank > 2) with its own backward.
            PtNDArray r = JniUtils.linear(in.array(), t(weight).array(), bias == null ? null : t(bias).array());
            Shape shape = null;
            if (in.knownShape() != null && weight.shape().isKnown()) {
                long[] dims = in.knownShape().dims();
                dims[dims.length - 1] = weight.shape().get(0);
                shape = Shape.of(dims);
            }
            return backend.own(r, in.dtype(), in.device(), shape);
        } catch (EngineException e) {
            throw fail("linear", e, x, weight);
        }
    }

    @Override
    public NativeTensor softmax(NativeTensor x, int dim) {
        PtTensor in = t(x);
        try {
            return own(JniUtils.softmax(in.array(), dim, PtTypes.toDjl(in.dtype())), in.dtype(), in.device());
        } catch (EngineException e) {
            throw fail("softmax", e, x);
        }
    }

    @Override
    public NativeTensor logSoftmax(NativeTensor x, int dim) {
        PtTensor in = t(x);
        try {
            return own(JniUtils.logSoftmax(in.array(), dim, PtTypes.toDjl(in.dtype())), in.dtype(), in.device());
        } catch (EngineException e) {
            throw fail("logSoftmax", e, x);
        }
    }

    // ------------------------------------------------------------------ shape ops

    @Override
    public NativeTensor reshape(NativeTensor x, long[] shape) {
        PtTensor in = t(x);
        try {
            return own(JniUtils.reshape(in.array(), shape), in.dtype(), in.device());
        } catch (EngineException e) {
            throw fail("reshape to " + Arrays.toString(shape), e, x);
        }
    }

    @Override
    public NativeTensor permute(NativeTensor x, int[] dims) {
        PtTensor in = t(x);
        try {
            return own(JniUtils.permute(in.array(), toLong(dims)), in.dtype(), in.device());
        } catch (EngineException e) {
            throw fail("permute " + Arrays.toString(dims), e, x);
        }
    }

    @Override
    public NativeTensor squeeze(NativeTensor x, int dim) {
        PtTensor in = t(x);
        try {
            return own(JniUtils.squeeze(in.array(), dim), in.dtype(), in.device());
        } catch (EngineException e) {
            throw fail("squeeze " + dim, e, x);
        }
    }

    @Override
    public NativeTensor unsqueeze(NativeTensor x, int dim) {
        PtTensor in = t(x);
        try {
            return own(JniUtils.unsqueeze(in.array(), dim), in.dtype(), in.device());
        } catch (EngineException e) {
            throw fail("unsqueeze " + dim, e, x);
        }
    }

    private PtNDArray[] arrays(List<NativeTensor> xs) {
        PtNDArray[] out = new PtNDArray[xs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t(xs.get(i)).array();
        }
        return out;
    }

    @Override
    public NativeTensor concat(List<NativeTensor> xs, int dim) {
        PtTensor first = t(xs.get(0));
        try {
            return own(JniUtils.cat(arrays(xs), dim), first.dtype(), first.device());
        } catch (EngineException e) {
            throw fail("concat", e, xs.toArray(new NativeTensor[0]));
        }
    }

    @Override
    public NativeTensor stack(List<NativeTensor> xs, int dim) {
        PtTensor first = t(xs.get(0));
        try {
            return own(JniUtils.stack(arrays(xs), dim), first.dtype(), first.device());
        } catch (EngineException e) {
            throw fail("stack", e, xs.toArray(new NativeTensor[0]));
        }
    }

    @Override
    public NativeTensor slice(NativeTensor x, int dim, long start, long end, long step) {
        PtTensor in = t(x);
        try {
            return own(JniUtils.slice(in.array(), dim, start, end, step), in.dtype(), in.device());
        } catch (EngineException e) {
            throw fail("slice " + dim + " [" + start + ":" + end + ":" + step + "]", e, x);
        }
    }

    @Override
    public NativeTensor gather(NativeTensor x, int dim, NativeTensor index) {
        PtTensor in = t(x);
        try {
            return own(JniUtils.gather(in.array(), t(index).array(), dim), in.dtype(), in.device());
        } catch (EngineException e) {
            throw fail("gather along " + dim, e, x, index);
        }
    }

    @Override
    public NativeTensor takeAlongLastDim(NativeTensor x, NativeTensor index) {
        PtTensor in = t(x);
        PtTensor ix = t(index);
        try {
            long last = in.shape().rank() - 1;
            // gather along the last dimension of a [..., 1] view of the index, then drop that 1.
            PtNDArray column = JniUtils.unsqueeze(ix.array(), last);
            try {
                PtNDArray picked = JniUtils.gather(in.array(), column, last);
                PtNDArray out = JniUtils.squeeze(picked, last);
                picked.close();
                return backend.own(out, in.dtype(), in.device(), ix.knownShape());
            } finally {
                column.close();
            }
        } catch (EngineException e) {
            throw fail("takeAlongLastDim", e, x, index);
        }
    }

    @Override
    public NativeTensor indexSelect(NativeTensor x, int dim, NativeTensor index) {
        PtTensor in = t(x);
        PtTensor idx = t(index);
        PtNDArray a = in.array();
        PtNDArray i = idx.array();
        try {
            Shape xs = in.shape();
            if (dim == 0 && xs.rank() == 2) {
                // Row lookup is torch.embedding, whose backward is cheaper than gather's scatter.
                return own(JniUtils.embedding(i, a, false), in.dtype(), in.device());
            }
            // DJL binds no index_select: gather with the index broadcast across the other dimensions.
            int rank = xs.rank();
            long k = idx.shape().get(0);
            long[] view = new long[rank];
            Arrays.fill(view, 1);
            view[dim] = k;
            long[] target = xs.dims();
            target[dim] = k;
            PtNDArray reshaped = JniUtils.reshape(i, view);
            PtNDArray expanded = JniUtils.broadcast(reshaped, PyTorchBackend.djlShape(target));
            try {
                return own(JniUtils.gather(a, expanded, dim), in.dtype(), in.device());
            } finally {
                expanded.close();
                reshaped.close();
            }
        } catch (EngineException e) {
            throw fail("indexSelect along " + dim, e, x, index);
        }
    }

    @Override
    public NativeTensor oneHot(NativeTensor index, int numClasses, DType dtype) {
        PtTensor idx = t(index);
        try {
            PtNDArray r = JniUtils.oneHot(idx.array(), numClasses, DataType.INT64);
            if (dtype != DType.INT64) {
                PtNDArray c = JniUtils.to(r, PtTypes.toDjl(dtype), r.getDevice());
                r.close();
                r = c;
            }
            return own(r, dtype, idx.device());
        } catch (EngineException e) {
            throw fail("oneHot with " + numClasses + " classes", e, index);
        }
    }

    @Override
    public NativeTensor where(NativeTensor cond, NativeTensor a, NativeTensor b) {
        PtTensor ta = t(a);
        try {
            return own(JniUtils.where(t(cond).array(), ta.array(), t(b).array()), ta.dtype(), ta.device());
        } catch (EngineException e) {
            throw fail("where", e, cond, a, b);
        }
    }

    @Override
    public NativeTensor cast(NativeTensor x, DType dtype) {
        PtTensor in = t(x);
        try {
            PtNDArray a = in.array();
            PtNDArray r;
            if (in.dtype().isFloating() && dtype.isFloating()) {
                // DJL's torchTo runs under a NoGradGuard, so a float-to-float cast would cut the
                // gradient. cumprod over a new size-1 dimension is the identity with an output
                // dtype, and libtorch differentiates it.
                PtNDArray unsqueezed = JniUtils.unsqueeze(a, 0);
                try {
                    PtNDArray cast = JniUtils.cumProd(unsqueezed, 0, PtTypes.toDjl(dtype));
                    try {
                        r = JniUtils.squeeze(cast, 0);
                    } finally {
                        cast.close();
                    }
                } finally {
                    unsqueezed.close();
                }
            } else {
                r = JniUtils.to(a, PtTypes.toDjl(dtype), a.getDevice());
            }
            backend.adopt(r, a.getManager(), backend.currentManager());
            return new PtTensor(r, dtype, in.device());
        } catch (EngineException e) {
            throw fail("cast to " + dtype, e, x);
        }
    }

    @Override
    public NativeTensor broadcastTo(NativeTensor x, long[] shape) {
        PtTensor in = t(x);
        try {
            return own(JniUtils.broadcast(in.array(), PyTorchBackend.djlShape(shape)), in.dtype(), in.device());
        } catch (EngineException e) {
            throw fail("expand to " + Arrays.toString(shape), e, x);
        }
    }

    @Override
    public NativeTensor stopGradient(NativeTensor x) {
        PtTensor in = t(x);
        return own(JniUtils.detachGradient(in.array()), in.dtype(), in.device());
    }

    @Override
    public NativeTensor dropout(NativeTensor x, double p) {
        PtTensor in = t(x);
        try {
            return own(JniUtils.dropout(in.array(), p, true), in.dtype(), in.device());
        } catch (EngineException e) {
            throw fail("dropout", e, x);
        }
    }

    // ------------------------------------------------------------------ convolution and pooling

    private static ai.djl.ndarray.types.Shape dims(int[] v) {
        return new ai.djl.ndarray.types.Shape(toLong(v));
    }

    @Override
    public NativeTensor conv(NativeTensor x, NativeTensor weight, NativeTensor bias, int[] stride, int[] padding,
                             int[] dilation, int groups) {
        PtTensor in = t(x);
        try {
            // torch's convolution picks 1-D or 2-D from the input rank and adds the bias in the same kernel.
            PtNDArray r = JniUtils.convolution(in.array(), t(weight).array(), bias == null ? null : t(bias).array(),
                    dims(stride), dims(padding), dims(dilation), groups);
            return own(r, in.dtype(), in.device());
        } catch (EngineException e) {
            throw fail("conv(stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padding) + ", dilation="
                    + Arrays.toString(dilation) + ", groups=" + groups + ")", e, x, weight);
        }
    }

    @Override
    public NativeTensor maxPool(NativeTensor x, int[] kernel, int[] stride, int[] padding) {
        PtTensor in = t(x);
        try {
            return own(JniUtils.maxPool(in.array(), dims(kernel), dims(stride), dims(padding), false), in.dtype(), in.device());
        } catch (EngineException e) {
            throw fail("maxPool(kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride)
                    + ", padding=" + Arrays.toString(padding) + ")", e, x);
        }
    }

    @Override
    public NativeTensor avgPool(NativeTensor x, int[] kernel, int[] stride, int[] padding) {
        PtTensor in = t(x);
        try {
            // ceil_mode=false, count_include_pad=true: torch's defaults, which the API documents.
            return own(JniUtils.avgPool(in.array(), dims(kernel), dims(stride), dims(padding), false, true),
                    in.dtype(), in.device());
        } catch (EngineException e) {
            throw fail("avgPool(kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride)
                    + ", padding=" + Arrays.toString(padding) + ")", e, x);
        }
    }
}
