package dev.lightning4j.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.ReadVariableOp;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The hand-written TensorFlow Java baseline: one graph with the model on resource variables, the
 * gradients from {@code Graph.addGradients}, one fused {@code ResourceApplyAdam} per parameter, and
 * one {@code Session.run} per step feeding the batch and three scalars (beta1^t, beta2^t and the
 * epsilon, see below), fetching the loss.
 *
 * <p>The CNN runs in TensorFlow's native NHWC layout with HWIO kernels and SAME padding (pad 1 for
 * 3x3), as a TensorFlow user would write it; the initial weights are permuted from PyTorch's layouts
 * on the host (the [N,1,28,28] input has the same bytes as [N,28,28,1]; the classifier's input
 * columns are permuted from (C,H,W) to (H,W,C) order), so the numbers are the same as the others'.
 * TF's Adam is {@code w -= lr*sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps)}; feeding
 * {@code eps*sqrt(1-b2^t)} makes it torch's formula.
 */
final class RawTfLoop implements StepLoop {
    private final boolean fusedAdam;
    private final Layout layout;

    /** Where the CNN's variables keep PyTorch's layouts instead of TensorFlow's (diagnostic variants). */
    enum Layout {
        /** HWIO kernels and a classifier over (H, W, C) columns, as a TensorFlow user writes it: the baseline. */
        TENSORFLOW,
        /** OIHW kernels transposed to HWIO in the graph every step; the classifier as in TENSORFLOW. */
        TORCH_KERNELS,
        /**
         * What the Trainer's TensorFlow graph does: OIHW kernels as in TORCH_KERNELS, and the
         * classifier's (C, H, W) columns permuted to (H, W, C) in the graph every step.
         */
        TORCH_PERMUTED,
        /** OIHW kernels as in TORCH_KERNELS, and the last pool's output transposed to NCHW before flattening. */
        TORCH
    }

    /**
     * @param fusedAdam true for TF's fused {@code ResourceApplyAdam} (the baseline); false for a
     *                  diagnostic variant that writes torch's Adam as separate graph ops, as the
     *                  Trainer's engine-neutral Adam does, to measure what the fusion is worth
     */
    RawTfLoop(boolean fusedAdam) {
        this(fusedAdam, Layout.TENSORFLOW);
    }

    /**
     * @param layout the CNN's layouts; anything but {@link Layout#TENSORFLOW} is a diagnostic that
     *               measures what keeping PyTorch's layouts (and transposing in the graph) costs
     */
    RawTfLoop(boolean fusedAdam, Layout layout) {
        this.fusedAdam = fusedAdam;
        this.layout = layout;
    }

    /** With -Dbench.tfStepStats=N, the last N steps run with step statistics and print time by op type (diagnostic). */
    private static final int PROFILE_STEPS = Integer.getInteger("bench.tfStepStats", 0);

    private static final float B1 = 0.9f;
    private static final float B2 = 0.999f;
    private static final double EPS = 1e-8;

    @Override
    public Result run(Workload w, int warmup, int steps) {
        Result r = StepLoop.super.run(w, warmup, steps);
        if (PROFILE_STEPS > 0) {
            try (TfStepper s = new TfStepper(w, fusedAdam, layout)) {
                s.steps(warmup + steps);
                System.out.println("# raw TF step statistics, " + w.name + (fusedAdam ? "" : ", Adam as ops") + "\n"
                        + dev.lightning4j.tensorflow.TfStepStats.summarize(s.profile(PROFILE_STEPS)));
            }
        }
        return r;
    }

    @Override
    public Stepper open(Workload w) {
        return new TfStepper(w, fusedAdam, layout);
    }

    private static final class TfStepper implements Stepper {
        private final Workload w;
        private final boolean fusedAdam;
        private final Graph g = new Graph();
        private final Session s = new Session(g);
        private final Placeholder<TFloat32> x;
        private final Placeholder<TInt64> y;
        private final Operand<TFloat32> loss;
        private final Placeholder<TFloat32> b1Power;
        private final Placeholder<TFloat32> b2Power;
        private final Placeholder<TFloat32> eps;
        private final Placeholder<TFloat32> stepSize;
        private final Placeholder<TFloat32> bc2Sqrt;
        private final List<GraphOperation> updates = new ArrayList<>();
        private final Shape xShape;
        private final Shape yShape = Shape.of(Workload.BATCH);
        private int step;

        TfStepper(Workload w, boolean fusedAdam, Layout layout) {
            this.w = w;
            this.fusedAdam = fusedAdam;
            Ops tf = Ops.create(g);
            int np = w.initial.size();
            long[] xDims = RawDjlLoop.batchShape(w);
            xDims[0] = -1;
            if (w.conv) {
                xDims = new long[] {-1, 28, 28, 1};
            }
            x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(xDims)));
            y = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
            List<VarHandleOp> vars = new ArrayList<>();
            List<ReadVariableOp<TFloat32>> reads = new ArrayList<>();
            List<Placeholder<TFloat32>> inits = new ArrayList<>();
            List<GraphOperation> initOps = new ArrayList<>();
            List<float[]> initValues = new ArrayList<>();
            List<VarHandleOp> ms = new ArrayList<>();
            List<VarHandleOp> vs = new ArrayList<>();
            for (int i = 0; i < np; i++) {
                float[] value = w.initialFloats(i);
                long[] dims = w.initialShape(i);
                if (w.conv && dims.length == 4 && layout == Layout.TENSORFLOW) { // OIHW -> HWIO
                    value = oihwToHwio(value, dims);
                    dims = new long[] {dims[2], dims[3], dims[1], dims[0]};
                } else if (w.conv && i == 4 && (layout == Layout.TENSORFLOW || layout == Layout.TORCH_KERNELS)) {
                    // classifier [10, C*H*W] -> [10, H*W*C]
                    value = chwToHwcColumns(value, 10, 32, 7, 7);
                }
                Shape shape = Shape.of(dims);
                // Each resource needs its own shared_name: with an empty one they would all share one resource.
                VarHandleOp h = tf.varHandleOp(TFloat32.class, shape, VarHandleOp.sharedName("p" + i));
                Placeholder<TFloat32> init = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
                initOps.add((GraphOperation) tf.assignVariableOp(h, init).op());
                VarHandleOp m = tf.varHandleOp(TFloat32.class, shape, VarHandleOp.sharedName("m" + i));
                VarHandleOp v = tf.varHandleOp(TFloat32.class, shape, VarHandleOp.sharedName("v" + i));
                initOps.add((GraphOperation) tf.assignVariableOp(m, tf.zeros(tf.constant(dims), TFloat32.class)).op());
                initOps.add((GraphOperation) tf.assignVariableOp(v, tf.zeros(tf.constant(dims), TFloat32.class)).op());
                vars.add(h);
                ms.add(m);
                vs.add(v);
                inits.add(init);
                initValues.add(value);
                reads.add(tf.readVariableOp(h, TFloat32.class));
            }
            Operand<TFloat32> logits = w.conv ? cnn(tf, g, x, reads, layout) : mlp(tf, x, reads);
            // Cross-entropy as -mean(sum(log_softmax(logits) * one_hot(y))): the C API has no gradient for
            // SparseSoftmaxCrossEntropyWithLogits (it is registered in Python only).
            Operand<TFloat32> picked = tf.reduceSum(tf.math.mul(tf.nn.logSoftmax(logits),
                    tf.oneHot(y, tf.constant(Workload.CLASSES), tf.constant(1f), tf.constant(0f))), tf.constant(1));
            loss = tf.math.neg(tf.math.mean(picked, tf.constant(0)));
            Output<?>[] xs = reads.stream().map(Operand::asOutput).toArray(Output<?>[]::new);
            Output<?>[] grads = g.addGradients(loss.asOutput(), xs);
            b1Power = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            b2Power = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            eps = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            Operand<TFloat32> lr = tf.constant((float) Models.LR);
            Operand<TFloat32> beta1 = tf.constant(B1);
            Operand<TFloat32> beta2 = tf.constant(B2);
            stepSize = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            bc2Sqrt = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            for (int i = 0; i < np; i++) {
                @SuppressWarnings("unchecked")
                Operand<TFloat32> grad = (Operand<TFloat32>) grads[i];
                if (fusedAdam) {
                    updates.add((GraphOperation) tf.train.resourceApplyAdam(vars.get(i), ms.get(i), vs.get(i), b1Power,
                            b2Power, lr, beta1, beta2, eps, grad).op());
                } else {
                    // torch's Adam as the Trainer writes it: m = m*b1 + g*(1-b1); v = v*b2 + g*(1-b2)*g;
                    // p = p - m*step_size / (sqrt(v)/sqrt(bc2) + eps)
                    Operand<TFloat32> m = tf.math.add(tf.math.mul(tf.readVariableOp(ms.get(i), TFloat32.class), beta1),
                            tf.math.mul(grad, tf.constant(1 - B1)));
                    Operand<TFloat32> v = tf.math.add(tf.math.mul(tf.readVariableOp(vs.get(i), TFloat32.class), beta2),
                            tf.math.mul(tf.math.mul(grad, tf.constant(1 - B2)), grad));
                    Operand<TFloat32> denom = tf.math.add(tf.math.div(tf.math.sqrt(v), bc2Sqrt), tf.constant((float) EPS));
                    Operand<TFloat32> p = tf.math.sub(reads.get(i), tf.math.div(tf.math.mul(m, stepSize), denom));
                    updates.add((GraphOperation) tf.assignVariableOp(ms.get(i), m).op());
                    updates.add((GraphOperation) tf.assignVariableOp(vs.get(i), v).op());
                    updates.add((GraphOperation) tf.assignVariableOp(vars.get(i), p).op());
                }
            }
            // Initialise.
            Session.Runner init = s.runner();
            List<TFloat32> fedInit = new ArrayList<>();
            for (int i = 0; i < np; i++) {
                TFloat32 t = TFloat32.tensorOf(inits.get(i).shape(), DataBuffers.of(initValues.get(i), true, false));
                // placeholder shape is static here
                fedInit.add(t);
                init.feed(inits.get(i), t);
            }
            initOps.forEach(init::addTarget);
            init.run().close();
            fedInit.forEach(TFloat32::close);

            xShape = Shape.of(w.conv ? new long[] {Workload.BATCH, 28, 28, 1} : RawDjlLoop.batchShape(w));
        }

        @Override
        public Block steps(int n) {
            return Block.timed(n, () -> {
                try (org.tensorflow.Result res = runner().run()) {
                    return ((TFloat32) res.get(0)).getFloat();
                } finally {
                    closeFed();
                }
            });
        }

        /** Runs n steps with step statistics and returns their metadata (diagnostic). */
        List<org.tensorflow.proto.RunMetadata> profile(int n) {
            List<org.tensorflow.proto.RunMetadata> profiled = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                Session.Runner r = runner();
                r.setOptions(org.tensorflow.proto.RunOptions.newBuilder()
                        .setTraceLevel(org.tensorflow.proto.RunOptions.TraceLevel.SOFTWARE_TRACE).build());
                try (org.tensorflow.Result res = r.runAndFetchMetadata()) {
                    res.getMetadata().ifPresent(profiled::add);
                } finally {
                    closeFed();
                }
            }
            return profiled;
        }

        private final List<org.tensorflow.Tensor> fed = new ArrayList<>();

        /** The next step's runner, feeding tensors that {@link #closeFed} closes after the run. */
        private Session.Runner runner() {
            int b = step % w.batches;
            int t = ++step;
            double bc2 = 1 - Math.pow(B2, t);
            TFloat32 xt = TFloat32.tensorOf(xShape, DataBuffers.of(w.xs[b], true, false));
            TInt64 yt = TInt64.tensorOf(yShape, DataBuffers.of(w.ys[b], true, false));
            fed.add(xt);
            fed.add(yt);
            Session.Runner r = s.runner().feed(x, xt).feed(y, yt).fetch(loss);
            if (fusedAdam) {
                r.feed(b1Power, keep(TFloat32.scalarOf((float) Math.pow(B1, t))))
                        .feed(b2Power, keep(TFloat32.scalarOf((float) Math.pow(B2, t))))
                        .feed(eps, keep(TFloat32.scalarOf((float) (EPS * Math.sqrt(bc2)))));
            } else {
                r.feed(stepSize, keep(TFloat32.scalarOf((float) (Models.LR / (1 - Math.pow(B1, t))))))
                        .feed(bc2Sqrt, keep(TFloat32.scalarOf((float) Math.sqrt(bc2))));
            }
            for (GraphOperation u : updates) {
                r.addTarget(u);
            }
            return r;
        }

        private TFloat32 keep(TFloat32 t) {
            fed.add(t);
            return t;
        }

        private void closeFed() {
            fed.forEach(org.tensorflow.Tensor::close);
            fed.clear();
        }

        @Override
        public void close() {
            s.close();
            g.close();
        }
    }

    private static Operand<TFloat32> dense(Ops tf, Operand<TFloat32> in, Operand<TFloat32> weight, Operand<TFloat32> bias) {
        return tf.nn.biasAdd(tf.linalg.matMul(in, weight, MatMul.transposeB(true)), bias);
    }

    private static Operand<TFloat32> mlp(Ops tf, Operand<TFloat32> x, List<ReadVariableOp<TFloat32>> p) {
        Operand<TFloat32> h = tf.nn.relu(dense(tf, x, p.get(0), p.get(1)));
        h = tf.nn.relu(dense(tf, h, p.get(2), p.get(3)));
        return dense(tf, h, p.get(4), p.get(5));
    }

    private static Operand<TFloat32> cnn(Ops tf, Graph g, Operand<TFloat32> x, List<ReadVariableOp<TFloat32>> p,
                                         Layout layout) {
        List<Long> ones = Arrays.asList(1L, 1L, 1L, 1L);
        boolean oihw = layout != Layout.TENSORFLOW;
        Operand<TFloat32> k1 = oihw ? tf.linalg.transpose(p.get(0), tf.constant(new int[] {2, 3, 1, 0})) : p.get(0);
        Operand<TFloat32> k2 = oihw ? tf.linalg.transpose(p.get(2), tf.constant(new int[] {2, 3, 1, 0})) : p.get(2);
        Operand<TFloat32> h = tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(x, k1, ones, "SAME"), p.get(1)));
        h = maxPool(tf, g, h, "pool1");
        h = tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(h, k2, ones, "SAME"), p.get(3)));
        h = maxPool(tf, g, h, "pool2");
        if (layout == Layout.TORCH) {
            h = tf.linalg.transpose(h, tf.constant(new int[] {0, 3, 1, 2}));
        }
        h = tf.reshape(h, tf.constant(new long[] {-1, 7 * 7 * 32}));
        Operand<TFloat32> classifier = p.get(4);
        if (layout == Layout.TORCH_PERMUTED) {
            Operand<TFloat32> w4 = tf.reshape(classifier, tf.constant(new long[] {10, 32, 7, 7}));
            classifier = tf.reshape(tf.linalg.transpose(w4, tf.constant(new int[] {0, 2, 3, 1})), tf.constant(new long[] {10, -1}));
        }
        return dense(tf, h, classifier, p.get(5));
    }

    @SuppressWarnings("unchecked")
    private static Operand<TFloat32> maxPool(Ops tf, Graph g, Operand<TFloat32> in, String name) {
        long[] k = {1, 2, 2, 1};
        return (Operand<TFloat32>) (Operand<?>) g.opBuilder("MaxPool", name, tf.scope()).addInput(in.asOutput())
                .setAttr("ksize", k).setAttr("strides", k).setAttr("padding", "VALID").build().output(0);
    }

    static float[] oihwToHwio(float[] w, long[] oihw) {
        int o = (int) oihw[0];
        int in = (int) oihw[1];
        int kh = (int) oihw[2];
        int kw = (int) oihw[3];
        float[] out = new float[w.length];
        for (int a = 0; a < o; a++) {
            for (int b = 0; b < in; b++) {
                for (int c = 0; c < kh; c++) {
                    for (int d = 0; d < kw; d++) {
                        out[((c * kw + d) * in + b) * o + a] = w[((a * in + b) * kh + c) * kw + d];
                    }
                }
            }
        }
        return out;
    }

    static float[] chwToHwcColumns(float[] w, int rows, int ch, int hh, int ww) {
        float[] out = new float[w.length];
        int cols = ch * hh * ww;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < ch; c++) {
                for (int i = 0; i < hh; i++) {
                    for (int j = 0; j < ww; j++) {
                        out[r * cols + (i * ww + j) * ch + c] = w[r * cols + (c * hh + i) * ww + j];
                    }
                }
            }
        }
        return out;
    }

    /** The engine's large-matmul rate: median GFLOP/s of an n x n by n x n fp32 product in one Session.run. */
    static double matmulGflops(int n, int reps) {
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            java.util.Random rnd = new java.util.Random(1);
            float[] a = new float[n * n];
            float[] b = new float[n * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = rnd.nextFloat() * 2 - 1;
                b[i] = rnd.nextFloat() * 2 - 1;
            }
            Placeholder<TFloat32> pa = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, n)));
            Placeholder<TFloat32> pb = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, n)));
            VarHandleOp va = tf.varHandleOp(TFloat32.class, Shape.of(n, n), VarHandleOp.sharedName("a"));
            VarHandleOp vb = tf.varHandleOp(TFloat32.class, Shape.of(n, n), VarHandleOp.sharedName("b"));
            GraphOperation ia = (GraphOperation) tf.assignVariableOp(va, pa).op();
            GraphOperation ib = (GraphOperation) tf.assignVariableOp(vb, pb).op();
            try (TFloat32 ta = TFloat32.tensorOf(Shape.of(n, n), DataBuffers.of(a, true, false));
                 TFloat32 tb = TFloat32.tensorOf(Shape.of(n, n), DataBuffers.of(b, true, false))) {
                s.runner().feed(pa, ta).feed(pb, tb).addTarget(ia).addTarget(ib).run().close();
            }
            // Fetch one element of the product so that the 4 MB result is not copied out.
            Operand<TFloat32> prod = tf.linalg.matMul(tf.readVariableOp(va, TFloat32.class), tf.readVariableOp(vb, TFloat32.class));
            Operand<TFloat32> one = tf.slice(prod, tf.constant(new long[] {0, 0}), tf.constant(new long[] {1, 1}));
            double[] t = new double[reps];
            for (int r = -3; r < reps; r++) {
                long t0 = System.nanoTime();
                s.runner().fetch(one).run().close();
                if (r >= 0) {
                    t[r] = (System.nanoTime() - t0) / 1e9;
                }
            }
            return 2.0 * n * n * n / Stats.median(t) / 1e9;
        }
    }
}
