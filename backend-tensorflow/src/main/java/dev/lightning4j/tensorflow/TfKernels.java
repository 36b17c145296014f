package dev.lightning4j.tensorflow;

import dev.lightning4j.backend.FusedLossKernels;
import dev.lightning4j.backend.FusedOptimizerKernels;
import dev.lightning4j.backend.Kernels;
import dev.lightning4j.backend.NativeTensor;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.Tensor;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The primitive ops on TensorFlow, with PyTorch semantics. Each op is built in the calling context
 * (the current trace, else eager) through a {@link Call}, which frees an eager composite's
 * intermediates as soon as its result exists. Every op that PyTorch differentiates uses only TF ops
 * with registered gradients; those without one (Ceil) are composed from ones that have it.
 */
final class TfKernels implements Kernels, FusedOptimizerKernels, FusedLossKernels {
    private final TensorFlowBackend backend;

    TfKernels(TensorFlowBackend backend) {
        this.backend = backend;
    }

    /** One kernel invocation: its context, the inputs it maps, and the eager intermediates to free. */
    private final class Call implements AutoCloseable {
        final Env env;
        private final List<Operation> temps;
        private Operation result;

        Call() {
            env = backend.env();
            temps = env.isEager() ? new ArrayList<>(4) : null;
        }

        /** {@code x} as an input in this context (eager tensors are lifted into a trace as constants). */
        Output<?> in(NativeTensor x) {
            TfTensor t = backend.tf(x);
            if (env instanceof Trace trace) {
                return trace.input(t);
            }
            if (!t.isEager()) {
                throw new IllegalStateException("a tensor from " + t.env().describe()
                        + " was used outside that step; a traced tensor has no value outside its step, return it from the step instead");
            }
            return t.output();
        }

        Output<?> op(String type, Consumer<OperationBuilder> setup) {
            Operation o = env.build(type, setup);
            if (temps != null) {
                temps.add(o);
            }
            return o.output(0);
        }

        Output<?> op(String type, Output<?>... inputs) {
            return op(type, b -> {
                for (Output<?> i : inputs) {
                    b.addInput(i);
                }
            });
        }

        Output<?> constant(Tensor t) {
            Output<?> o = env.constant(t);
            if (temps != null) {
                temps.add(o.op());
            }
            return o;
        }

        Output<?> i64(long... values) {
            try (Tensor t = TInt64.vectorOf(values)) {
                return constant(t);
            }
        }

        Output<?> i32(int... values) {
            try (Tensor t = TInt32.vectorOf(values)) {
                return constant(t);
            }
        }

        Output<?> i32Scalar(int value) {
            try (Tensor t = TInt32.scalarOf(value)) {
                return constant(t);
            }
        }

        Output<?> scalar(double value, DType dtype) {
            try (Tensor t = TfTypes.scalarTf(value, dtype)) {
                return constant(t);
            }
        }

        /** The shape of {@code x} as an INT64 vector: a constant when static, else a Shape op. */
        Output<?> shapeOf(Output<?> x, Shape s) {
            if (s.isKnown()) {
                return i64(s.dims());
            }
            return op("Shape", b -> b.addInput(x).setAttr("out_type", DataType.DT_INT64));
        }

        NativeTensor done(Output<?> out) {
            result = out.op();
            return backend.ownEager(new TfTensor(out, env));
        }

        @Override
        public void close() {
            if (temps != null) {
                for (Operation o : temps) {
                    if (o != result) {
                        EagerRelease.release(o);
                    }
                }
            }
        }
    }

    private static String describe(NativeTensor x) {
        return x.dtype() + " " + x.shape();
    }

    // ------------------------------------------------------------------ elementwise

    @Override
    public NativeTensor unary(UnaryOp op, NativeTensor x) {
        try (Call c = new Call()) {
            Output<?> in = c.in(x);
            Output<?> nhwc = c.env instanceof Trace t ? t.nhwcSource(in) : null;
            if (nhwc != null) {
                // x is the NCHW view of a conv or pool result: apply the elementwise op to the NHWC tensor
                // and stay in that layout, so that a following conv or pool needs no transposes.
                return c.done(fromNhwc(c, unary(c, op, nhwc, x.dtype()), false));
            }
            return c.done(unary(c, op, in, x.dtype()));
        } catch (RuntimeException e) {
            throw fail(op.name().toLowerCase(), e, x);
        }
    }

    private static Output<?> unary(Call c, UnaryOp op, Output<?> in, DType dt) {
        return switch (op) {
            case NEG -> c.op("Neg", in);
            case ABS -> c.op("Abs", in);
            case EXP -> c.op("Exp", in);
            case LOG -> c.op("Log", in);
            case LOG1P -> c.op("Log1p", in);
            case SQRT -> c.op("Sqrt", in);
            case RSQRT -> c.op("Rsqrt", in);
            case SQUARE -> c.op("Square", in);
            case RELU -> c.op("Relu", in);
            case SIGMOID -> c.op("Sigmoid", in);
            case TANH -> c.op("Tanh", in);
            case GELU -> {
                // Exact GELU as PyTorch's default: x * 0.5 * (1 + erf(x / sqrt(2))).
                Output<?> e = c.op("Erf", c.op("Mul", in, c.scalar(1 / Math.sqrt(2), dt)));
                yield c.op("Mul", c.op("Mul", in, c.scalar(0.5, dt)), c.op("AddV2", e, c.scalar(1, dt)));
            }
            case SIGN -> c.op("Sign", in);
            case FLOOR -> c.op("Floor", in);
            // Ceil has no registered gradient in TF's C++ registry; -floor(-x) is equal and differentiable (zero grad, as in PyTorch).
            case CEIL -> c.op("Neg", c.op("Floor", c.op("Neg", in)));
            case SIN -> c.op("Sin", in);
            case COS -> c.op("Cos", in);
            case ERF -> c.op("Erf", in);
            case LOGICAL_NOT -> c.op("LogicalNot", in);
        };
    }

    @Override
    public NativeTensor binary(BinaryOp op, NativeTensor a, NativeTensor b) {
        try (Call c = new Call()) {
            Output<?> x = c.in(a);
            Output<?> y = c.in(b);
            boolean bool = a.dtype() == DType.BOOL;
            String type = switch (op) {
                case ADD -> bool ? "LogicalOr" : "AddV2";
                case SUB -> "Sub";
                case MUL -> bool ? "LogicalAnd" : "Mul";
                case DIV -> "RealDiv";
                case POW -> "Pow";
                case MAXIMUM -> bool ? "LogicalOr" : "Maximum";
                case MINIMUM -> bool ? "LogicalAnd" : "Minimum";
                case EQ -> "Equal";
                case NE -> "NotEqual";
                case LT -> "Less";
                case LE -> "LessEqual";
                case GT -> "Greater";
                case GE -> "GreaterEqual";
                case LOGICAL_AND -> "LogicalAnd";
                case LOGICAL_OR -> "LogicalOr";
            };
            return c.done(c.op(type, x, y));
        } catch (RuntimeException e) {
            throw fail(op.name().toLowerCase(), e, a, b);
        }
    }

    @Override
    public NativeTensor scalar(double value, DType dtype, Device device) {
        try (Call c = new Call()) {
            Output<?> s = c.scalar(value, dtype);
            return c.done(s);
        }
    }

    @Override
    public NativeTensor full(Shape shape, double value, DType dtype, Device device) {
        if (!shape.isKnown()) {
            throw new IllegalArgumentException("full: shape " + shape + " has unknown dimensions; use fullLike for a dynamic shape");
        }
        try (Call c = new Call()) {
            if (shape.rank() == 0) {
                return c.done(c.scalar(value, dtype));
            }
            return c.done(c.op("Fill", c.i64(shape.dims()), c.scalar(value, dtype)));
        }
    }

    @Override
    public NativeTensor fullLike(NativeTensor like, double value, DType dtype) {
        try (Call c = new Call()) {
            Shape s = like.shape();
            if (s.rank() == 0) {
                return c.done(c.op("Identity", c.scalar(value, dtype)));
            }
            // A Shape op (not a constant) when the batch dimension is unknown, so the graph follows the batch.
            Output<?> dims = s.isKnown() ? c.i64(s.dims()) : c.shapeOf(c.in(like), s);
            return c.done(c.op("Fill", dims, c.scalar(value, dtype)));
        }
    }

    // ------------------------------------------------------------------ reductions

    @Override
    public NativeTensor reduce(ReduceOp op, NativeTensor x, int[] dims, boolean keepDim) {
        try (Call c = new Call()) {
            Output<?> in = c.in(x);
            int rank = x.shape().rank();
            int[] axes = dims.length == 0 ? range(rank) : dims;
            Output<?> axis = c.i32(axes);
            DType dt = x.dtype();
            String type;
            switch (op) {
                case SUM -> {
                    type = "Sum";
                    if (dt == DType.BOOL || dt == DType.INT32) {
                        in = cast(c, in, DType.INT64); // PyTorch sums integers and bools as int64
                    }
                }
                case MEAN -> type = "Mean";
                case MAX -> type = dt == DType.BOOL ? "Any" : "Max";
                case MIN -> type = dt == DType.BOOL ? "All" : "Min";
                default -> throw new IllegalArgumentException(op.name());
            }
            Output<?> input = in;
            return c.done(c.op(type, b -> b.addInput(input).addInput(axis).setAttr("keep_dims", keepDim)));
        } catch (RuntimeException e) {
            throw fail(op.name().toLowerCase() + " over " + Arrays.toString(dims), e, x);
        }
    }

    @Override
    public NativeTensor argReduce(ArgReduceOp op, NativeTensor x, int dim, boolean keepDim) {
        try (Call c = new Call()) {
            Output<?> in = c.in(x);
            if (x.dtype() == DType.BOOL) {
                in = cast(c, in, DType.INT32);
            }
            Output<?> input = in;
            Output<?> axis = c.i32Scalar(dim);
            Output<?> r = c.op(op == ArgReduceOp.ARGMAX ? "ArgMax" : "ArgMin",
                    b -> b.addInput(input).addInput(axis).setAttr("output_type", DataType.DT_INT64));
            // ArgMax has no gradient function; StopGradient marks the integer result as a dead end for backprop.
            r = c.op("StopGradient", r);
            if (keepDim) {
                r = c.op("ExpandDims", r, c.i32Scalar(dim));
            }
            return c.done(r);
        } catch (RuntimeException e) {
            throw fail(op.name().toLowerCase() + " over " + dim, e, x);
        }
    }

    // ------------------------------------------------------------------ linear algebra and nn

    @Override
    public NativeTensor matmul(NativeTensor a, NativeTensor b) {
        try (Call c = new Call()) {
            Output<?> x = c.in(a);
            Output<?> y = c.in(b);
            boolean plain = a.shape().rank() == 2 && b.shape().rank() == 2 && a.dtype().isFloating();
            return c.done(c.op(plain ? "MatMul" : "BatchMatMulV2", x, y));
        } catch (RuntimeException e) {
            throw fail("matmul", e, a, b);
        }
    }

    /**
     * The most output features for which {@link #linear} permutes the weight rather than the input
     * after a flattened conv: the weight is then no larger than the activations of a batch of 64.
     */
    private static final long PERMUTE_WEIGHT_MAX_ROWS = 64;

    @Override
    public NativeTensor linear(NativeTensor x, NativeTensor weight, NativeTensor bias) {
        try (Call c = new Call()) {
            Output<?> in = c.in(x);
            Output<?> w = c.in(weight);
            Output<?> y;
            Trace.NhwcFlat flat = c.env instanceof Trace t && x.shape().rank() == 2 ? t.nhwcFlat(in) : null;
            long outFeatures = weight.shape().get(0);
            if (flat != null && outFeatures > 0 && outFeatures <= PERMUTE_WEIGHT_MAX_ROWS) {
                // x is a flattened NCHW view of an NHWC conv or pool result: multiply the NHWC rows by the
                // weight with its columns permuted from (C, H, W) to (H, W, C) order instead, which moves
                // O*C*H*W values (and as many in backward) where transposing the activations moves N*C*H*W.
                Output<?> w4 = c.op("Reshape", w, c.i64(outFeatures, flat.channels(), flat.height(), flat.width()));
                Output<?> wPermuted = c.op("Reshape", c.op("Transpose", w4, c.i32(0, 2, 3, 1)), c.i64(outFeatures, -1));
                y = c.op("MatMul", b -> b.addInput(flat.rows()).addInput(wPermuted).setAttr("transpose_b", true));
            } else if (x.shape().rank() == 2) {
                // MatMul reads the weight transposed in place: no Transpose op, and its gradient is two MatMuls.
                y = c.op("MatMul", b -> b.addInput(in).addInput(w).setAttr("transpose_b", true));
            } else {
                y = c.op("BatchMatMulV2", in, c.op("Transpose", w, c.i32(1, 0)));
            }
            if (bias != null) {
                Output<?> yy = y;
                Output<?> bo = c.in(bias);
                // BiasAdd adds along the last dimension; its gradient is one BiasAddGrad reduction.
                y = c.op("BiasAdd", b -> b.addInput(yy).addInput(bo).setAttr("data_format", "NHWC"));
            }
            return c.done(y);
        } catch (RuntimeException e) {
            throw fail("linear", e, bias == null ? new NativeTensor[] {x, weight} : new NativeTensor[] {x, weight, bias});
        }
    }

    @Override
    public NativeTensor softmax(NativeTensor x, int dim) {
        return lastDimOp("Softmax", x, dim);
    }

    @Override
    public NativeTensor logSoftmax(NativeTensor x, int dim) {
        return lastDimOp("LogSoftmax", x, dim);
    }

    /** TF's softmax ops work on the last dimension: swap {@code dim} there and back (a swap is its own inverse). */
    private NativeTensor lastDimOp(String type, NativeTensor x, int dim) {
        try (Call c = new Call()) {
            Output<?> in = c.in(x);
            int rank = x.shape().rank();
            if (dim == rank - 1) {
                return c.done(c.op(type, in));
            }
            int[] perm = range(rank);
            perm[dim] = rank - 1;
            perm[rank - 1] = dim;
            Output<?> p = c.i32(perm);
            return c.done(c.op("Transpose", c.op(type, c.op("Transpose", in, p)), p));
        } catch (RuntimeException e) {
            throw fail(type + " over " + dim, e, x);
        }
    }

    // ------------------------------------------------------------------ shapes

    @Override
    public NativeTensor reshape(NativeTensor x, long[] shape) {
        try (Call c = new Call()) {
            Output<?> in = c.in(x);
            Output<?> out = c.op("Reshape", in, c.i64(shape));
            if (c.env instanceof Trace trace && x.shape().rank() == 4 && shape.length == 2 && shape[0] == x.shape().get(0)) {
                // Flattening the NCHW view of a conv or pool result: also flatten its NHWC source, for a
                // following linear layer (see linear); unused, it is pruned from the run.
                Output<?> nhwc = trace.nhwcSource(in);
                long[] d = x.shape().dims();
                if (nhwc != null && d[1] > 0 && d[2] > 0 && d[3] > 0 && shape[1] == d[1] * d[2] * d[3]) {
                    trace.recordNhwcFlat(out, new Trace.NhwcFlat(c.op("Reshape", nhwc, c.i64(-1, shape[1])), d[1], d[2], d[3]));
                }
            }
            return c.done(out);
        } catch (RuntimeException e) {
            throw fail("reshape to " + Arrays.toString(shape), e, x);
        }
    }

    @Override
    public NativeTensor permute(NativeTensor x, int[] dims) {
        try (Call c = new Call()) {
            return c.done(c.op("Transpose", c.in(x), c.i32(dims)));
        } catch (RuntimeException e) {
            throw fail("permute " + Arrays.toString(dims), e, x);
        }
    }

    @Override
    public NativeTensor squeeze(NativeTensor x, int dim) {
        try (Call c = new Call()) {
            Output<?> in = c.in(x);
            return c.done(c.op("Squeeze", b -> b.addInput(in).setAttr("squeeze_dims", new long[] {dim})));
        } catch (RuntimeException e) {
            throw fail("squeeze " + dim, e, x);
        }
    }

    @Override
    public NativeTensor unsqueeze(NativeTensor x, int dim) {
        try (Call c = new Call()) {
            return c.done(c.op("ExpandDims", c.in(x), c.i32Scalar(dim)));
        } catch (RuntimeException e) {
            throw fail("unsqueeze " + dim, e, x);
        }
    }

    @Override
    public NativeTensor concat(List<NativeTensor> xs, int dim) {
        try (Call c = new Call()) {
            Output<?>[] ins = inputs(c, xs);
            Output<?> axis = c.i32Scalar(dim);
            return c.done(c.op("ConcatV2", b -> b.addInputList(ins).addInput(axis)));
        } catch (RuntimeException e) {
            throw fail("concat along " + dim, e, xs.toArray(NativeTensor[]::new));
        }
    }

    @Override
    public NativeTensor stack(List<NativeTensor> xs, int dim) {
        try (Call c = new Call()) {
            Output<?>[] ins = inputs(c, xs);
            return c.done(c.op("Pack", b -> b.addInputList(ins).setAttr("axis", (long) dim)));
        } catch (RuntimeException e) {
            throw fail("stack along " + dim, e, xs.toArray(NativeTensor[]::new));
        }
    }

    private static Output<?>[] inputs(Call c, List<NativeTensor> xs) {
        Output<?>[] ins = new Output<?>[xs.size()];
        for (int i = 0; i < ins.length; i++) {
            ins[i] = c.in(xs.get(i));
        }
        return ins;
    }

    @Override
    public NativeTensor slice(NativeTensor x, int dim, long start, long end, long step) {
        try (Call c = new Call()) {
            Output<?> in = c.in(x);
            int rank = x.shape().rank();
            // INT32 indices: TF's StridedSliceGrad takes its shape from an INT32 Shape op and rejects INT64
            // begin/end. Clamping to the int range keeps the meaning, as StridedSlice clamps anyway.
            int[] begin = new int[rank];
            int[] stop = new int[rank];
            int[] strides = new int[rank];
            Arrays.fill(strides, 1);
            // Every other dimension is taken whole through the masks, so unknown sizes need no Shape op.
            long allButDim = ((1L << rank) - 1) & ~(1L << dim);
            long endMask = allButDim;
            begin[dim] = clampToInt(start);
            strides[dim] = clampToInt(step);
            if (end == Long.MAX_VALUE) {
                endMask |= 1L << dim;
            } else {
                stop[dim] = clampToInt(end);
            }
            long em = endMask;
            Output<?> bo = c.i32(begin);
            Output<?> eo = c.i32(stop);
            Output<?> so = c.i32(strides);
            return c.done(c.op("StridedSlice", b -> b.addInput(in).addInput(bo).addInput(eo).addInput(so)
                    .setAttr("begin_mask", allButDim).setAttr("end_mask", em)));
        } catch (RuntimeException e) {
            throw fail("slice dim " + dim + " [" + start + ":" + end + ":" + step + "]", e, x);
        }
    }

    @Override
    public NativeTensor gather(NativeTensor x, int dim, NativeTensor index) {
        // torch.gather: out[i0..ik] = x[i0.., index[i0..ik] at dim, ..ik]. Built as GatherNd over full
        // coordinates (an iota per dimension, the index at dim), which TF differentiates via ScatterNd.
        try (Call c = new Call()) {
            Output<?> params = c.in(x);
            Output<?> idx = c.in(index);
            Shape is = index.shape();
            int rank = is.rank();
            Output<?> idxShape = c.shapeOf(idx, is);
            Output<?>[] coords = new Output<?>[rank];
            for (int a = 0; a < rank; a++) {
                if (a == dim) {
                    coords[a] = idx;
                    continue;
                }
                Output<?> n;
                if (is.get(a) != Shape.UNKNOWN) {
                    try (Tensor t = TInt64.scalarOf(is.get(a))) {
                        n = c.constant(t);
                    }
                } else {
                    Output<?> bo = c.i64(a);
                    Output<?> eo = c.i64(a + 1);
                    Output<?> so = c.i64(1);
                    n = c.op("StridedSlice", b -> b.addInput(idxShape).addInput(bo).addInput(eo).addInput(so)
                            .setAttr("shrink_axis_mask", 1L));
                }
                Output<?> iota;
                try (Tensor zero = TInt64.scalarOf(0); Tensor one = TInt64.scalarOf(1)) {
                    iota = c.op("Range", c.constant(zero), n, c.constant(one));
                }
                long[] view = new long[rank];
                Arrays.fill(view, 1);
                view[a] = -1;
                coords[a] = c.op("BroadcastTo", c.op("Reshape", iota, c.i64(view)), idxShape);
            }
            Output<?> indices = c.op("Pack", b -> b.addInputList(coords).setAttr("axis", (long) rank));
            return c.done(c.op("GatherNd", params, indices));
        } catch (RuntimeException e) {
            throw fail("gather along " + dim, e, x, index);
        }
    }

    @Override
    public NativeTensor takeAlongLastDim(NativeTensor x, NativeTensor index) {
        // GatherV2 with every leading dimension as a batch dimension: one op, differentiated by one
        // UnsortedSegmentSum-style gradient, instead of gather's coordinates and GatherNd.
        try (Call c = new Call()) {
            int last = x.shape().rank() - 1;
            Output<?> params = c.in(x);
            Output<?> idx = c.in(index);
            Output<?> axis = c.i32Scalar(last);
            return c.done(c.op("GatherV2", b -> b.addInput(params).addInput(idx).addInput(axis)
                    .setAttr("batch_dims", (long) last)));
        } catch (RuntimeException e) {
            throw fail("takeAlongLastDim", e, x, index);
        }
    }

    /** Only while tracing: the kernel's gradient exists in graphs; eager code composes the ops. */
    @Override
    public boolean fusesSoftmaxCrossEntropy(NativeTensor logits, NativeTensor target) {
        DType t = logits.dtype();
        return backend.env() instanceof Trace && (t == DType.FLOAT32 || t == DType.FLOAT64)
                && logits.shape().rank() == 2 && target.shape().rank() == 1;
    }

    @Override
    public NativeTensor softmaxCrossEntropy(NativeTensor logits, NativeTensor target) {
        SoftmaxCrossEntropyGradient.ensureRegistered();
        try (Call c = new Call()) {
            // Output 0 is the per-row loss; output 1, its gradient, is what the registered gradient reads.
            return c.done(c.op(SoftmaxCrossEntropyGradient.OP, c.in(logits), c.in(target)));
        } catch (RuntimeException e) {
            throw fail("softmaxCrossEntropy", e, logits, target);
        }
    }

    @Override
    public NativeTensor indexSelect(NativeTensor x, int dim, NativeTensor index) {
        try (Call c = new Call()) {
            return c.done(c.op("GatherV2", c.in(x), c.in(index), c.i32Scalar(dim)));
        } catch (RuntimeException e) {
            throw fail("indexSelect along " + dim, e, x, index);
        }
    }

    @Override
    public NativeTensor oneHot(NativeTensor index, int numClasses, DType dtype) {
        try (Call c = new Call()) {
            Output<?> in = c.in(index);
            Output<?> depth = c.i32Scalar(numClasses);
            Output<?> on = c.scalar(1, dtype);
            Output<?> off = c.scalar(0, dtype);
            return c.done(c.op("OneHot", b -> b.addInput(in).addInput(depth).addInput(on).addInput(off).setAttr("axis", -1L)));
        } catch (RuntimeException e) {
            throw fail("oneHot with " + numClasses + " classes", e, index);
        }
    }

    @Override
    public NativeTensor where(NativeTensor cond, NativeTensor a, NativeTensor b) {
        try (Call c = new Call()) {
            return c.done(c.op("SelectV2", c.in(cond), c.in(a), c.in(b)));
        } catch (RuntimeException e) {
            throw fail("where", e, cond, a, b);
        }
    }

    @Override
    public NativeTensor cast(NativeTensor x, DType dtype) {
        try (Call c = new Call()) {
            Output<?> in = c.in(x);
            if (x.dtype() == dtype) {
                return c.done(c.op("Identity", in));
            }
            return c.done(cast(c, in, dtype));
        } catch (RuntimeException e) {
            throw fail("cast to " + dtype, e, x);
        }
    }

    private static Output<?> cast(Call c, Output<?> in, DType dtype) {
        return c.op("Cast", b -> b.addInput(in).setAttr("DstT", TfTypes.dataType(dtype)));
    }

    @Override
    public NativeTensor broadcastTo(NativeTensor x, long[] shape) {
        try (Call c = new Call()) {
            Output<?> in = c.in(x);
            // INT32 shapes: TF's BroadcastTo gradient compares the target with an INT32 Shape op and
            // fails on an INT64 target ("Inconsistent values for attr 'T'").
            boolean known = Arrays.stream(shape).allMatch(d -> d >= 0);
            Output<?> target;
            if (known) {
                target = c.i32(Arrays.stream(shape).mapToInt(Math::toIntExact).toArray());
            } else {
                // Unknown target dimensions are the input's own (unknown) ones: read them from its Shape op.
                Output<?> own = c.op("Shape", b -> b.addInput(in).setAttr("out_type", DataType.DT_INT32));
                int offset = shape.length - x.shape().rank();
                Output<?>[] parts = new Output<?>[shape.length];
                for (int i = 0; i < shape.length; i++) {
                    if (shape[i] >= 0) {
                        parts[i] = c.i32(Math.toIntExact(shape[i]));
                    } else {
                        int j = i - offset;
                        parts[i] = c.op("StridedSlice", own, c.i32(j), c.i32(j + 1), c.i32(1));
                    }
                }
                Output<?> axis = c.i32Scalar(0);
                target = c.op("ConcatV2", b -> b.addInputList(parts).addInput(axis));
            }
            return c.done(c.op("BroadcastTo", in, target));
        } catch (RuntimeException e) {
            throw fail("broadcastTo " + Arrays.toString(shape), e, x);
        }
    }

    @Override
    public NativeTensor stopGradient(NativeTensor x) {
        try (Call c = new Call()) {
            return c.done(c.op("StopGradient", c.in(x)));
        }
    }

    @Override
    public NativeTensor dropout(NativeTensor x, double p) {
        try (Call c = new Call()) {
            Output<?> in = c.in(x);
            DType dt = x.dtype();
            long[] seeds = backend.nextSeeds();
            Output<?> shape = c.shapeOf(in, x.shape());
            Output<?> u;
            if (c.env.isEager()) {
                // Eager TF caches kernels by attributes, so a stateful op would continue its old stream after
                // manualSeed; the stateless op makes the mask a pure function of (seed, call number).
                Output<?> seed = c.i64(seeds[0], seeds[1]);
                u = c.op("StatelessRandomUniform", b -> b.addInput(shape).addInput(seed).setAttr("dtype", TfTypes.dataType(dt)));
            } else {
                // In a graph a stateful op draws a fresh mask on every run, reproducibly from the seed at trace time.
                u = c.op("RandomUniform", b -> b.addInput(shape).setAttr("dtype", TfTypes.dataType(dt))
                        .setAttr("seed", seeds[0]).setAttr("seed2", seeds[1]));
            }
            Output<?> keep = cast(c, c.op("GreaterEqual", u, c.scalar(p, dt)), dt);
            Output<?> mask = c.op("StopGradient", c.op("Mul", keep, c.scalar(1 / (1 - p), dt)));
            return c.done(c.op("Mul", in, mask));
        } catch (RuntimeException e) {
            throw fail("dropout(" + p + ")", e, x);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static int clampToInt(long v) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    /** Adds the op, shapes and dtypes to a TF error, which otherwise names only graph nodes. */
    private static RuntimeException fail(String op, RuntimeException e, NativeTensor... xs) {
        if (e instanceof IllegalStateException && e.getMessage() != null && e.getMessage().contains("tensor")) {
            return e; // already ours and explicit
        }
        StringBuilder sb = new StringBuilder("TensorFlow ").append(op).append(" failed for ");
        for (int i = 0; i < xs.length; i++) {
            sb.append(i > 0 ? ", " : "").append(describe(xs[i]));
        }
        sb.append(": ").append(e.getMessage());
        return new IllegalArgumentException(sb.toString(), e);
    }

    // ------------------------------------------------------------------ convolution and pooling
    //
    // TF's CPU kernels of Conv2D, MaxPool and AvgPool take NHWC only, and the C++ gradient of Conv2D
    // (the one TF_AddGradients uses) ignores the dilations and explicit_paddings attributes. So each
    // op here works in NHWC, pads with TF's SAME padding where that equals torch's symmetric padding
    // (else with a Pad op and VALID), dilates the kernel by inserting zeros instead of using the
    // dilations attribute, splits grouped convolutions into one Conv2D per group, adds the bias with
    // BiasAdd, and transposes the result back to NCHW. Inside a trace that NCHW result remembers its
    // NHWC source (Trace.recordNhwc): elementwise ops on it and the next conv or pool use the source,
    // so a conv-ReLU-pool-conv chain transposes once at each end instead of around every op; the
    // unused transposes are pruned from the run. A 1-D op is the 2-D op with a height of 1. Every op
    // used (Transpose, ExpandDims, Squeeze, Pad, PadV2, Reshape, StridedSlice, ConcatV2, Conv2D,
    // BiasAdd, MaxPool, AvgPool) has a registered gradient.

    private static final int[] TO_NHWC = {0, 2, 3, 1};
    private static final int[] TO_NCHW = {0, 3, 1, 2};

    /** A 1-D argument as its 2-D form with a leading height entry; 2-D arguments unchanged. */
    private static int[] as2d(int[] v, int heightValue) {
        return v.length == 2 ? v : new int[] {heightValue, v[0]};
    }

    /**
     * {@code x} in NHWC: the NHWC tensor a traced NCHW view came from (no op), else a transpose
     * ({@code [N, C, L]} first gets a height of 1).
     */
    private static Output<?> toNhwc(Call c, Output<?> in, boolean oneD) {
        if (!oneD && c.env instanceof Trace trace) {
            Output<?> source = trace.nhwcSource(in);
            if (source != null) {
                return source;
            }
        }
        Output<?> x = oneD ? c.op("ExpandDims", in, c.i32Scalar(2)) : in;
        return c.op("Transpose", x, c.i32(TO_NHWC));
    }

    /** NHWC back to NCHW, dropping the height of 1 of a 1-D op; a traced 2-D result remembers its source. */
    private static Output<?> fromNhwc(Call c, Output<?> y, boolean oneD) {
        Output<?> out = c.op("Transpose", y, c.i32(TO_NCHW));
        if (oneD) {
            return c.op("Squeeze", b -> b.addInput(out).setAttr("squeeze_dims", new long[] {2}));
        }
        if (c.env instanceof Trace trace) {
            trace.recordNhwc(out, y);
        }
        return out;
    }

    /** The height and width of an NCHW (or NCL, height 1) input; unknown sizes are -1. */
    private static long[] spatialSizes(NativeTensor x) {
        Shape s = x.shape();
        return s.rank() == 3 ? new long[] {1, s.get(2)} : new long[] {s.get(2), s.get(3)};
    }

    /**
     * True when TF's SAME padding places the same windows as torch's symmetric {@code padding}: the
     * same output size and the same padding before, in both dimensions (TF puts an odd remainder
     * after, where no window of that output size reaches). Needs known sizes.
     */
    private static boolean sameIsSymmetric(long[] size, int[] kernel, int[] stride, int[] padding) {
        for (int i = 0; i < 2; i++) {
            if (size[i] < 0) {
                return false;
            }
            long torchOut = (size[i] + 2L * padding[i] - kernel[i]) / stride[i] + 1;
            long sameOut = (size[i] + stride[i] - 1) / stride[i];
            long total = Math.max((sameOut - 1) * stride[i] + kernel[i] - size[i], 0);
            if (torchOut != sameOut || total / 2 != padding[i]) {
                return false;
            }
        }
        return true;
    }

    /** Pads the H and W dimensions of an NHWC tensor on both sides, with zeros or with {@code fill}. */
    private static Output<?> padHw(Call c, Output<?> x, int[] padding, Double fill, DType dtype) {
        if (padding[0] == 0 && padding[1] == 0) {
            return x;
        }
        Output<?> pads = c.op("Reshape", c.i32(0, 0, padding[0], padding[0], padding[1], padding[1], 0, 0), c.i64(4, 2));
        if (fill == null) {
            return c.op("Pad", x, pads);
        }
        return c.op("PadV2", x, pads, c.scalar(fill, dtype));
    }

    /** Elements {@code [start, end)} of the last dimension of a rank-4 tensor (other dimensions whole). */
    private static Output<?> sliceLast(Call c, Output<?> x, int start, int end) {
        Output<?> b = c.i32(0, 0, 0, start);
        Output<?> e = c.i32(0, 0, 0, end);
        Output<?> st = c.i32(1, 1, 1, 1);
        return c.op("StridedSlice", o -> o.addInput(x).addInput(b).addInput(e).addInput(st)
                .setAttr("begin_mask", 0b0111L).setAttr("end_mask", 0b0111L));
    }

    /**
     * An HWIO kernel {@code [kh, kw, I, O]} dilated by inserting {@code d - 1} zeros between taps:
     * {@code [kh, 1, kw, 1, I, O]} padded to {@code [kh, dh, kw, dw, I, O]}, reshaped to
     * {@code [kh*dh, kw*dw, I, O]} and cut to {@code [(kh-1)*dh+1, (kw-1)*dw+1, I, O]}.
     */
    private static Output<?> dilateKernel(Call c, Output<?> w, long[] hwio, int[] dilation) {
        long kh = hwio[0];
        long kw = hwio[1];
        long in = hwio[2];
        long out = hwio[3];
        int dh = dilation[0];
        int dw = dilation[1];
        Output<?> r = c.op("Reshape", w, c.i64(kh, 1, kw, 1, in, out));
        Output<?> pads = c.op("Reshape", c.i32(0, 0, 0, dh - 1, 0, 0, 0, dw - 1, 0, 0, 0, 0), c.i64(6, 2));
        Output<?> spread = c.op("Reshape", c.op("Pad", r, pads), c.i64(kh * dh, kw * dw, in, out));
        Output<?> b = c.i32(0, 0, 0, 0);
        Output<?> e = c.i32((int) ((kh - 1) * dh + 1), (int) ((kw - 1) * dw + 1), 0, 0);
        Output<?> st = c.i32(1, 1, 1, 1);
        return c.op("StridedSlice", o -> o.addInput(spread).addInput(b).addInput(e).addInput(st)
                .setAttr("end_mask", 0b1100L));
    }

    private static long[] nhwcStrides(int[] stride) {
        return new long[] {1, stride[0], stride[1], 1};
    }

    @Override
    public NativeTensor conv(NativeTensor x, NativeTensor weight, NativeTensor bias, int[] stride, int[] padding,
                             int[] dilation, int groups) {
        try (Call c = new Call()) {
            boolean oneD = x.shape().rank() == 3;
            int[] st = as2d(stride, 1);
            int[] pad = as2d(padding, 0);
            int[] dil = as2d(dilation, 1);
            // [O, I/g, (kh,) kw] -> [O, I/g, kh, kw] -> HWIO [kh, kw, I/g, O]
            Output<?> w = c.in(weight);
            if (oneD) {
                w = c.op("ExpandDims", w, c.i32Scalar(2));
            }
            // A kernel read from its variable is stored HWIO already (see TfVariable): no transpose.
            Output<?> stored = c.env instanceof Trace trace ? trace.storedSource(w) : null;
            w = stored != null ? stored : c.op("Transpose", w, c.i32(TfVariable.TO_STORED));
            long[] ws = weight.shape().dims();
            long[] hwio = {oneD ? 1 : ws[2], ws[ws.length - 1], ws[1], ws[0]};
            if (dil[0] > 1 || dil[1] > 1) {
                w = dilateKernel(c, w, hwio, dil);
            }
            int[] effectiveKernel = {(int) ((hwio[0] - 1) * dil[0] + 1), (int) ((hwio[1] - 1) * dil[1] + 1)};
            boolean unpadded = pad[0] == 0 && pad[1] == 0;
            String padding2d = unpadded ? "VALID"
                    : sameIsSymmetric(spatialSizes(x), effectiveKernel, st, pad) ? "SAME" : "VALID";
            Output<?> in = toNhwc(c, c.in(x), oneD);
            if (!unpadded && padding2d.equals("VALID")) {
                in = padHw(c, in, pad, null, x.dtype());
            }
            long[] strides = nhwcStrides(st);
            Output<?> y;
            if (groups == 1) {
                y = conv2d(c, in, w, strides, padding2d);
            } else {
                int inPerGroup = (int) hwio[2];
                int outPerGroup = (int) (hwio[3] / groups);
                Output<?>[] parts = new Output<?>[groups];
                for (int g = 0; g < groups; g++) {
                    parts[g] = conv2d(c, sliceLast(c, in, g * inPerGroup, (g + 1) * inPerGroup),
                            sliceLast(c, w, g * outPerGroup, (g + 1) * outPerGroup), strides, padding2d);
                }
                Output<?> axis = c.i32Scalar(3);
                y = c.op("ConcatV2", b -> b.addInputList(parts).addInput(axis));
            }
            if (bias != null) {
                Output<?> unbiased = y;
                Output<?> b = c.in(bias);
                y = c.op("BiasAdd", o -> o.addInput(unbiased).addInput(b).setAttr("data_format", "NHWC"));
            }
            return c.done(fromNhwc(c, y, oneD));
        } catch (RuntimeException e) {
            throw fail("conv(stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padding) + ", dilation="
                    + Arrays.toString(dilation) + ", groups=" + groups + ")", e,
                    bias == null ? new NativeTensor[] {x, weight} : new NativeTensor[] {x, weight, bias});
        }
    }

    private static Output<?> conv2d(Call c, Output<?> in, Output<?> w, long[] strides, String padding) {
        return c.op("Conv2D", b -> b.addInput(in).addInput(w).setAttr("strides", strides)
                .setAttr("padding", padding).setAttr("data_format", "NHWC"));
    }

    @Override
    public NativeTensor maxPool(NativeTensor x, int[] kernel, int[] stride, int[] padding) {
        // Padding is minus infinity, as torch's max_pool: a padded cell never wins a window. TF's SAME
        // max pool skips padded cells, which is the same.
        return pool("MaxPool", x, kernel, stride, padding, Double.NEGATIVE_INFINITY, true);
    }

    @Override
    public NativeTensor avgPool(NativeTensor x, int[] kernel, int[] stride, int[] padding) {
        // Zero padding followed by a VALID AvgPool divides every window by the full kernel size,
        // which is torch's default count_include_pad=True (TF's SAME would leave padded cells out).
        return pool("AvgPool", x, kernel, stride, padding, null, false);
    }

    private NativeTensor pool(String type, NativeTensor x, int[] kernel, int[] stride, int[] padding, Double fill,
                              boolean sameSkipsPadding) {
        try (Call c = new Call()) {
            boolean oneD = x.shape().rank() == 3;
            int[] k = as2d(kernel, 1);
            int[] st = as2d(stride, 1);
            int[] pad = as2d(padding, 0);
            long[] ksize = {1, k[0], k[1], 1};
            long[] strides = nhwcStrides(st);
            boolean unpadded = pad[0] == 0 && pad[1] == 0;
            String padding2d = !unpadded && sameSkipsPadding && sameIsSymmetric(spatialSizes(x), k, st, pad) ? "SAME" : "VALID";
            Output<?> nhwc = toNhwc(c, c.in(x), oneD);
            Output<?> in = padding2d.equals("VALID") ? padHw(c, nhwc, pad, fill, x.dtype()) : nhwc;
            Output<?> y = c.op(type, b -> b.addInput(in).setAttr("ksize", ksize).setAttr("strides", strides)
                    .setAttr("padding", padding2d).setAttr("data_format", "NHWC"));
            return c.done(fromNhwc(c, y, oneD));
        } catch (RuntimeException e) {
            throw fail(type + "(kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride)
                    + ", padding=" + Arrays.toString(padding) + ")", e, x);
        }
    }

    // ------------------------------------------------------------------ fused optimizer updates

    /** Fused inside a trace, where the update is an op of the step's graph; eager TF composes it. */
    @Override
    public boolean fusesAdam(Variable param) {
        return param instanceof TfVariable v && v.backend() == backend && backend.currentTrace() != null
                && (v.dtype() == DType.FLOAT32 || v.dtype() == DType.FLOAT64);
    }

    /**
     * {@code ResourceApplyAdam} with the bias corrections already in {@code lr} and {@code eps}: its
     * {@code beta1_power} and {@code beta2_power} inputs are 0, so its own correction factor is 1.
     */
    @Override
    public void adamStep(Variable param, Variable expAvg, Variable expAvgSq, NativeTensor grad, AdamScalars s) {
        Trace trace = backend.currentTrace();
        if (trace == null) {
            throw new IllegalStateException("adamStep: TensorFlow fuses Adam only inside a traced step; check fusesAdam first");
        }
        TfVariable p = variable(param);
        TfVariable m = variable(expAvg);
        TfVariable v = variable(expAvgSq);
        DType dt = p.dtype();
        try (Call c = new Call()) {
            if (s.decay() != null) {
                // AdamW: p *= 1 - lr * weight_decay before the update, as torch (elementwise, so in the stored layout).
                Output<?> decayed = c.op("Mul", trace.readStored(p), c.in(s.decay().tensor().get()));
                trace.assignStoredValue(p, decayed);
            }
            Output<?> zero = c.scalar(0, dt);
            Output<?> lr = c.in(s.lr().tensor().get());
            Output<?> beta1 = c.in(s.beta1().tensor().get());
            Output<?> beta2 = c.in(s.beta2().tensor().get());
            Output<?> eps = c.in(s.eps().tensor().get());
            // The slots have the parameter's shape, so its stored layout: the update is elementwise in it.
            Output<?> g = trace.stored(p, c.in(grad));
            trace.updateInPlace(List.of(p, m, v), "ResourceApplyAdam", b -> b.addInput(p.handle()).addInput(m.handle())
                    .addInput(v.handle()).addInput(zero).addInput(zero).addInput(lr).addInput(beta1).addInput(beta2)
                    .addInput(eps).addInput(g));
        } catch (RuntimeException e) {
            throw fail("adamStep on variable '" + p.name() + "'", e, grad);
        }
    }

    private TfVariable variable(Variable v) {
        if (v instanceof TfVariable tv && tv.backend() == backend) {
            return tv;
        }
        throw new IllegalArgumentException("adamStep: " + v + " is not a variable of this TensorFlow backend");
    }
}
