package dev.lightning4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.Backends;
import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.Gradients;
import dev.lightning4j.backend.StepFunction;
import dev.lightning4j.backend.TensorScope;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import dev.lightning4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Tracing, variables and per-run behaviour specific to the TensorFlow graph backend, on the real engine. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TensorFlowTracingTest {
    private TensorFlowBackend backend;

    @BeforeAll
    void create() {
        backend = new TensorFlowBackend();
    }

    @AfterAll
    void close() {
        backend.close();
    }

    private Variable variable(String name, float[] values, long... shape) {
        return backend.newVariable(name, HostArray.of(values, shape), true, Device.cpu());
    }

    private Tensor read(Variable v) {
        return Tensor.wrap(backend, v.read());
    }

    private static String inputType(Output<?> out, int input) {
        return ((GraphOperation) out.op()).input(input).op().type();
    }

    /**
     * A conv-ReLU-pool-conv chain stays in NHWC between the ops: the pool reads the ReLU, which reads
     * the BiasAdd of the first conv, and the second conv reads the pool, with no Transpose or Pad op
     * between them (SAME padding where it equals torch's). Values are checked by the conformance suite.
     */
    @Test
    void convChainKeepsNhwcBetweenOpsAndUsesSamePadding() {
        int[] one = {1, 1};
        try (Variable w1 = variable("w1", new float[4 * 1 * 3 * 3], 4, 1, 3, 3);
             Variable b1 = variable("b1", new float[4], 4);
             Variable w2 = variable("w2", new float[2 * 4 * 3 * 3], 2, 4, 3, 3);
             Variable b2 = variable("b2", new float[2], 2)) {
            AtomicReference<Output<?>> pooled = new AtomicReference<>();
            AtomicReference<Output<?>> second = new AtomicReference<>();
            try (CompiledStep step = backend.compile("chain", Device.cpu(), (ctx, in) -> {
                Tensor h = in.get("x").conv(read(w1), read(b1), one, one, one, 1).relu();
                Tensor p = h.maxPool(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0});
                Tensor y = p.conv(read(w2), read(b2), one, one, one, 1);
                pooled.set(backend.tf(p.nativeTensor()).output());
                second.set(backend.tf(y.nativeTensor()).output());
                return Map.of("y", y.sum());
            })) {
                step.run(Map.of("x", HostArray.of(new float[2 * 8 * 8], 2, 1, 8, 8)));
            }
            // pooled = Transpose(MaxPool(Relu(BiasAdd(Conv2D(...))))) to NCHW
            GraphOperation maxPool = (GraphOperation) ((GraphOperation) pooled.get().op()).input(0).op();
            assertThat(maxPool.type()).isEqualTo("MaxPool");
            assertThat(inputType(maxPool.output(0), 0)).as("the pool's input").isEqualTo("Relu");
            GraphOperation relu = (GraphOperation) maxPool.input(0).op();
            assertThat(inputType(relu.output(0), 0)).as("the ReLU's input").isEqualTo("BiasAdd");
            // second = Transpose(BiasAdd(Conv2D(MaxPool, ...)))
            GraphOperation biasAdd = (GraphOperation) ((GraphOperation) second.get().op()).input(0).op();
            assertThat(biasAdd.type()).isEqualTo("BiasAdd");
            GraphOperation conv = (GraphOperation) biasAdd.input(0).op();
            assertThat(conv.type()).isEqualTo("Conv2D");
            assertThat(conv.input(0).op()).as("the second conv reads the pool directly").isEqualTo(maxPool);
        }
    }

    /**
     * Flatten after a pool, then a narrow linear layer: the MatMul reads the pool's NHWC output
     * reshaped (no Transpose of the activations) and the weight with its columns permuted; a wide
     * layer (more than 64 outputs) reads the transposed activations. Values are checked across
     * engines by ConvRecurrentLayersOnEnginesTest.
     */
    @Test
    void narrowLinearAfterFlattenPermutesTheWeightNotTheActivations() {
        int[] one = {1, 1};
        try (Variable w1 = variable("fw1", new float[3 * 1 * 3 * 3], 3, 1, 3, 3);
             Variable narrow = variable("narrow", new float[4 * 27], 4, 27);
             Variable wide = variable("wide", new float[65 * 27], 65, 27)) {
            AtomicReference<Output<?>> narrowOut = new AtomicReference<>();
            AtomicReference<Output<?>> wideOut = new AtomicReference<>();
            try (CompiledStep step = backend.compile("flat", Device.cpu(), (ctx, in) -> {
                Tensor flat = in.get("x").conv(read(w1), null, one, one, one, 1)
                        .maxPool(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}).flatten(1);
                Tensor a = flat.linear(read(narrow), null);
                Tensor b = flat.linear(read(wide), null);
                narrowOut.set(backend.tf(a.nativeTensor()).output());
                wideOut.set(backend.tf(b.nativeTensor()).output());
                return Map.of("a", a, "b", b);
            })) {
                Map<String, HostArray> out = step.run(Map.of("x", HostArray.of(new float[2 * 6 * 6], 2, 1, 6, 6)));
                assertThat(out.get("a").shape()).isEqualTo(Shape.of(2, 4));
                assertThat(out.get("b").shape()).isEqualTo(Shape.of(2, 65));
            }
            GraphOperation matMul = (GraphOperation) narrowOut.get().op();
            assertThat(matMul.type()).isEqualTo("MatMul");
            GraphOperation rows = (GraphOperation) matMul.input(0).op();
            assertThat(rows.type()).isEqualTo("Reshape");
            assertThat(inputType(rows.output(0), 0)).as("the narrow layer's rows come from").isEqualTo("MaxPool");
            assertThat(inputType(matMul.output(0), 1)).as("the narrow layer's weight").isEqualTo("Reshape");
            GraphOperation wideRows = (GraphOperation) ((GraphOperation) wideOut.get().op()).input(0).op();
            assertThat(wideRows.type()).isEqualTo("Reshape");
            assertThat(inputType(wideRows.output(0), 0)).as("the wide layer's rows come from").isEqualTo("Transpose");
        }
    }

    /**
     * A conv kernel is stored in TensorFlow's filter layout: the traced Conv2D reads the variable with
     * no Transpose, and the fused Adam update takes the filter gradient as Conv2DBackpropFilter made
     * it; reads in a trace, toHost and load stay in the torch layout.
     */
    @Test
    void convKernelsAreStoredInTheFilterLayoutAndSeenInTheTorchLayout() {
        class Model extends dev.lightning4j.nn.Module {
            final dev.lightning4j.nn.Parameter w = registerParameter("w", HostArray.of(
                    new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}, 2, 1, 3, 3));
        }
        Model model = new Model();
        model.to(backend, Device.cpu());
        float[] torchLayout = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};
        assertThat(model.w.data()).isEqualTo(HostArray.of(torchLayout, 2, 1, 3, 3));
        dev.lightning4j.optim.Adam adam = new dev.lightning4j.optim.Adam(model.parameters(), 0.1);
        int[] one = {1, 1};
        AtomicReference<Output<?>> convOut = new AtomicReference<>();
        try (CompiledStep step = backend.compile("stored", Device.cpu(), (ctx, in) -> {
            Tensor[] y = new Tensor[1];
            Gradients g = ctx.valueAndGrad(() -> {
                y[0] = in.get("x").conv(model.w.value(), null, one, one, one, 1);
                return y[0].square().sum();
            }, List.of(model.w.variable()));
            convOut.set(backend.tf(y[0].nativeTensor()).output());
            Tensor before = model.w.value();
            adam.step(ctx, Map.of(model.w, g.grads().get(0)));
            return Map.of("loss", g.value(), "w", before, "grad", g.grads().get(0));
        })) {
            adam.beginStep();
            float[] x = new float[2 * 4 * 4];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i % 7) - 3;
            }
            Map<String, HostArray> out = step.run(Map.of("x", HostArray.of(x, 2, 1, 4, 4)));
            assertThat(out.get("w")).as("a traced read").isEqualTo(HostArray.of(torchLayout, 2, 1, 3, 3));
            assertThat(out.get("grad").shape()).isEqualTo(Shape.of(2, 1, 3, 3));
            // Adam's first step moves each weight by lr against its gradient's sign, in the torch layout.
            double[] grad = out.get("grad").toDoubleArray();
            double[] after = model.w.data().toDoubleArray();
            for (int i = 0; i < after.length; i++) {
                assertThat(after[i]).as("weight %d", i).isCloseTo(torchLayout[i] - 0.1 * Math.signum(grad[i]), within(1e-5));
            }
        }
        // Conv2D(input, filter) <- Transpose to NCHW; the filter comes straight from the variable.
        GraphOperation conv2d = (GraphOperation) ((GraphOperation) convOut.get().op()).input(0).op();
        assertThat(conv2d.type()).isEqualTo("Conv2D");
        assertThat(inputType(conv2d.output(0), 1)).as("the conv's filter").isEqualTo("ReadVariableOp");
        GraphOperation apply = lastOp("ResourceApplyAdam");
        assertThat(apply.input(9).op().type()).as("the fused update's gradient").isEqualTo("Conv2DBackpropFilter");
        HostArray loaded = HostArray.of(new float[] {18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 2, 1, 3, 3);
        model.w.variable().load(loaded);
        assertThat(model.w.variable().toHost()).isEqualTo(loaded);
        adam.releaseState();
        model.w.variable().close();
    }

    private GraphOperation lastOp(String type) {
        GraphOperation last = null;
        java.util.Iterator<GraphOperation> it = backend.graph().operations();
        while (it.hasNext()) {
            GraphOperation op = it.next();
            if (op.type().equals(type)) {
                last = op;
            }
        }
        return last;
    }

    @Test
    void adamRunsAsOneFusedResourceApplyAdamPerParameter() {
        class Model extends dev.lightning4j.nn.Module {
            final dev.lightning4j.nn.Parameter w = registerParameter("w", HostArray.of(new float[] {1, -2, 3}, 3));
        }
        Model model = new Model();
        model.to(backend, Device.cpu());
        dev.lightning4j.optim.Adam adam = new dev.lightning4j.optim.Adam(model.parameters(), 0.1);
        int before = countOps("ResourceApplyAdam");
        try (CompiledStep step = backend.compile("adam", Device.cpu(), (ctx, in) -> {
            Gradients g = ctx.valueAndGrad(() -> model.w.value().square().sum(), List.of(model.w.variable()));
            adam.step(ctx, Map.of(model.w, g.grads().get(0)));
            return Map.of("loss", g.value());
        })) {
            adam.beginStep();
            step.run(Map.of());
        }
        assertThat(countOps("ResourceApplyAdam") - before).isEqualTo(1);
        // First step of Adam moves every weight by lr against its gradient's sign (m/sqrt(v) = sign(g)).
        assertThat(model.w.data().toDoubleArray()).containsExactly(new double[] {0.9, -1.9, 2.9}, within(1e-6));
        adam.releaseState();
        model.w.variable().close();
    }

    /**
     * In a trace, cross-entropy from logits is TensorFlow's one fused kernel, and its registered gradient
     * (per-row incoming gradients times softmax - one_hot) matches the composed ops' values and gradients.
     */
    @Test
    void softmaxCrossEntropyIsOneFusedKernelWithTheComposedGradient() {
        int before = countOps(SoftmaxCrossEntropyGradient.OP);
        try (Variable w = variable("ce_w", new float[] {0.5f, -1.5f, 2f, 0.25f, -0.75f, 1.25f}, 2, 3);
             CompiledStep step = backend.compile("ce", Device.cpu(), (ctx, in) -> {
                 Tensor rowWeights = in.get("r");
                 java.util.function.Function<Boolean, Gradients> loss = fused -> ctx.valueAndGrad(() -> {
                     Tensor logits = in.get("x").matmul(read(w)); // [3, 3]
                     Tensor perRow = fused ? logits.softmaxCrossEntropy(in.get("y"))
                             : logits.logSoftmax(1).takeAlongLastDim(in.get("y")).neg();
                     return perRow.mul(rowWeights).sum();
                 }, List.of(w));
                 Gradients f = loss.apply(true);
                 Gradients c = loss.apply(false);
                 return Map.of("fused", f.value(), "composed", c.value(), "gFused", f.grads().get(0), "gComposed", c.grads().get(0));
             })) {
            Map<String, HostArray> out = step.run(Map.of(
                    "x", HostArray.of(new float[] {1, -2, 0.5f, 3, 0.25f, -1}, 3, 2),
                    "y", HostArray.of(new long[] {2, 0, 1}, 3),
                    "r", HostArray.of(new float[] {1, 0.5f, -2}, 3)));
            assertThat(out.get("fused").item()).isCloseTo(out.get("composed").item(), within(1e-5));
            assertThat(out.get("gFused").toDoubleArray()).containsExactly(out.get("gComposed").toDoubleArray(), within(1e-5));
            assertThat(java.util.Arrays.stream(out.get("gFused").toDoubleArray()).map(Math::abs).max().orElse(0))
                    .as("not a trivial gradient").isGreaterThan(0.1);
        }
        assertThat(countOps(SoftmaxCrossEntropyGradient.OP) - before).isEqualTo(1);
    }

    /** A tensor returned under two names (a loss that is also logged) is fetched once, into two host arrays. */
    @Test
    void oneTensorUnderTwoNamesIsFetchedOnce() {
        int before = countOps("Identity");
        try (CompiledStep step = backend.compile("twice", Device.cpu(), (ctx, in) -> {
            Tensor loss = in.get("x").square().sum();
            return Map.of("loss", loss, "train_loss", loss);
        })) {
            Map<String, HostArray> out = step.run(Map.of("x", HostArray.of(new float[] {1, 2}, 2)));
            assertThat(countOps("Identity") - before).isEqualTo(1);
            assertThat(out.get("loss").item()).isEqualTo(5.0);
            assertThat(out.get("train_loss").item()).isEqualTo(5.0);
            assertThat(out.get("loss")).isNotSameAs(out.get("train_loss"));
        }
    }

    private int countOps(String type) {
        int n = 0;
        java.util.Iterator<GraphOperation> it = backend.graph().operations();
        while (it.hasNext()) {
            if (it.next().type().equals(type)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void linearRegressionTrainsToHandComputedWeights() {
        float[] xs = {1, 2, 2, 0, 0, 1, 3, 1};   // [4, 2]
        float[] ys = {5, 4, 1, 7};               // y = 1*x0 + 2*x1 + 0... roughly
        double lr = 0.05;
        try (Variable w = variable("w", new float[] {0, 0}, 2, 1);
                Variable b = variable("b", new float[] {0}, 1);
                CompiledStep step = backend.compile("train", Device.cpu(), (ctx, in) -> {
                    Tensor x = in.get("x");
                    Tensor y = in.get("y");
                    Tensor rate = ctx.scalar("lr", DType.FLOAT32, () -> lr);
                    Gradients g = ctx.valueAndGrad(
                            () -> x.matmul(read(w)).add(read(b)).sub(y).square().mean(), List.of(w, b));
                    w.assign(read(w).sub(g.grads().get(0).mul(rate)).nativeTensor());
                    b.assign(read(b).sub(g.grads().get(1).mul(rate)).nativeTensor());
                    return Map.of("loss", g.value());
                })) {
            Map<String, HostArray> batch = Map.of("x", HostArray.of(xs, 4, 2), "y", HostArray.of(ys, 4, 1));
            // The same SGD by hand, in double precision.
            double[] hw = {0, 0};
            double hb = 0;
            List<Double> losses = new ArrayList<>();
            for (int it = 0; it < 20; it++) {
                double loss = 0;
                double[] gw = {0, 0};
                double gb = 0;
                for (int i = 0; i < 4; i++) {
                    double err = xs[2 * i] * hw[0] + xs[2 * i + 1] * hw[1] + hb - ys[i];
                    loss += err * err / 4;
                    gw[0] += 2 * err * xs[2 * i] / 4;
                    gw[1] += 2 * err * xs[2 * i + 1] / 4;
                    gb += 2 * err / 4;
                }
                double tfLoss = step.run(batch).get("loss").item();
                assertThat(tfLoss).isCloseTo(loss, within(1e-4 * Math.max(1, loss)));
                losses.add(tfLoss);
                hw[0] -= lr * gw[0];
                hw[1] -= lr * gw[1];
                hb -= lr * gb;
            }
            assertThat(losses.get(19)).isLessThan(losses.get(0) / 4);
            float[] got = w.toHost().toFloatArray();
            assertThat((double) got[0]).isCloseTo(hw[0], within(1e-4));
            assertThat((double) got[1]).isCloseTo(hw[1], within(1e-4));
            assertThat(b.toHost().item()).isCloseTo(hb, within(1e-4));
            assertThat(((TfCompiledStep) step).traceCount()).isEqualTo(1);
        }
    }

    @Test
    void readAfterAssignSeesTheNewValueAndReadsBeforeSeeTheOld() {
        try (Variable v = variable("counter", new float[] {1, 2}, 2);
                CompiledStep step = backend.compile("bump", Device.cpu(), (ctx, in) -> {
                    Tensor before = read(v);
                    v.assign(before.add(10).nativeTensor());
                    Tensor after = read(v);
                    return Map.of("before", before.mul(1), "after", after);
                })) {
            Map<String, HostArray> out = step.run(Map.of());
            assertThat(out.get("before").toFloatArray()).containsExactly(1, 2);
            assertThat(out.get("after").toFloatArray()).containsExactly(11, 12);
            out = step.run(Map.of());
            assertThat(out.get("before").toFloatArray()).containsExactly(11, 12);
            assertThat(v.toHost().toFloatArray()).containsExactly(21, 22);
        }
    }

    @Test
    void smallerBatchReusesTheTraceAndNewFeatureWidthRetraces() {
        StepFunction fn = (ctx, in) -> Map.of("y", in.get("x").mul(2).sum(1, false));
        try (CompiledStep step = backend.compile("widths", Device.cpu(), fn)) {
            TfCompiledStep tf = (TfCompiledStep) step;
            assertThat(step.run(Map.of("x", HostArray.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2))).get("y").toFloatArray())
                    .containsExactly(6, 14, 22);
            assertThat(step.run(Map.of("x", HostArray.of(new float[] {1, 1}, 1, 2))).get("y").toFloatArray())
                    .containsExactly(4);
            assertThat(tf.traceCount()).isEqualTo(1);
            assertThat(step.run(Map.of("x", HostArray.of(new float[] {1, 1, 1}, 1, 3))).get("y").shape())
                    .isEqualTo(Shape.of(1));
            assertThat(tf.traceCount()).isEqualTo(2);
            step.run(Map.of("x", HostArray.of(new float[] {1, 2}, 1, 2)));
            assertThat(tf.traceCount()).as("back to a signature already traced").isEqualTo(2);
            step.run(Map.of("x", HostArray.of(new double[] {1, 2}, 1, 2)));
            assertThat(tf.traceCount()).as("a new dtype retraces").isEqualTo(3);
        }
    }

    @Test
    void scalarInputsAreReadOnEveryRun() {
        AtomicReference<Double> value = new AtomicReference<>(1.0);
        try (CompiledStep step = backend.compile("scalars", Device.cpu(),
                (ctx, in) -> Map.of("y", in.get("x").mul(ctx.scalar("s", DType.FLOAT32, value::get))))) {
            Map<String, HostArray> in = Map.of("x", HostArray.of(new float[] {1, 2}, 2));
            assertThat(step.run(in).get("y").toFloatArray()).containsExactly(1, 2);
            value.set(3.0);
            assertThat(step.run(in).get("y").toFloatArray()).containsExactly(3, 6);
            assertThat(((TfCompiledStep) step).traceCount()).isEqualTo(1);
        }
    }

    /**
     * Per-run scalars are fed as one vector per dtype and group of 8, split by one Unpack op: nine
     * FLOAT32 scalars and one INT64 scalar make three fed vectors, and every scalar still reads its
     * own value on every run.
     */
    @Test
    void scalarsAreFedAsOneVectorPerDtypeAndGroupOfEight() {
        int unpacksBefore = countOps("Unpack");
        double[] factor = {1};
        try (CompiledStep step = backend.compile("grouped", Device.cpu(), (ctx, in) -> {
            Tensor sum = in.get("x");
            for (int i = 0; i < 9; i++) {
                int k = i;
                sum = sum.add(ctx.scalar("f" + i, DType.FLOAT32, () -> factor[0] * (k + 1)));
            }
            Tensor count = ctx.scalar("n", DType.INT64, () -> 10 * factor[0]);
            return Map.of("sum", sum, "n", count);
        })) {
            Map<String, HostArray> in = Map.of("x", HostArray.of(new float[] {0.5f}, 1));
            Map<String, HostArray> first = step.run(in);
            assertThat(first.get("sum").toFloatArray()).containsExactly(45.5f); // 0.5 + 1 + 2 + ... + 9
            assertThat(first.get("n").toLongArray()).containsExactly(10);
            factor[0] = 2;
            Map<String, HostArray> second = step.run(in);
            assertThat(second.get("sum").toFloatArray()).containsExactly(90.5f);
            assertThat(second.get("n").toLongArray()).containsExactly(20);
        }
        assertThat(countOps("Unpack") - unpacksBefore).as("two FLOAT32 groups, one INT64 group").isEqualTo(3);
    }

    @Test
    void duplicateScalarKeyIsRejected() {
        try (CompiledStep step = backend.compile("dup", Device.cpu(), (ctx, in) -> {
            ctx.scalar("lr", DType.FLOAT32, () -> 1);
            return Map.of("y", ctx.scalar("lr", DType.FLOAT32, () -> 2));
        })) {
            assertThatThrownBy(() -> step.run(Map.of())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'lr'");
        }
    }

    @Test
    void toHostInsideATraceFailsWithAClearMessage() {
        try (CompiledStep step = backend.compile("train", Device.cpu(), (ctx, in) -> {
            float[] leaked = in.get("x").toFloatArray();
            return Map.of("n", in.get("x").mul(leaked.length));
        })) {
            assertThatThrownBy(() -> step.run(Map.of("x", HostArray.of(new float[] {1}, 1))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot read a tensor's value inside a traced TensorFlow step 'train'")
                    .hasMessageContaining("return it from the step");
        }
        try (Variable v = variable("v", new float[] {1}, 1);
                CompiledStep step = backend.compile("load", Device.cpu(), (ctx, in) -> {
                    v.toHost();
                    return Map.of();
                })) {
            assertThatThrownBy(() -> step.run(Map.of())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("inside the traced TensorFlow step 'load'");
        }
    }

    @Test
    void variableCreatedDuringATraceIsInitialised() {
        AtomicReference<Variable> lazy = new AtomicReference<>();
        try (CompiledStep step = backend.compile("lazy", Device.cpu(), (ctx, in) -> {
            if (lazy.get() == null) {
                lazy.set(variable("momentum", new float[] {1, 2, 3}, 3));
            }
            Variable m = lazy.get();
            m.assign(read(m).mul(2).nativeTensor());
            return Map.of("y", read(m).add(in.get("x")));
        })) {
            Map<String, HostArray> in = Map.of("x", HostArray.of(new float[] {0, 0, 1}, 3));
            assertThat(step.run(in).get("y").toFloatArray()).containsExactly(2, 4, 7);
            assertThat(step.run(in).get("y").toFloatArray()).containsExactly(4, 8, 13);
            assertThat(lazy.get().toHost().toFloatArray()).containsExactly(4, 8, 12);
        } finally {
            if (lazy.get() != null) {
                lazy.get().close();
            }
        }
    }

    @Test
    void tracedTensorUsedAfterItsStepFailsClearly() {
        AtomicReference<Tensor> leaked = new AtomicReference<>();
        try (CompiledStep step = backend.compile("leak", Device.cpu(), (ctx, in) -> {
            leaked.set(in.get("x"));
            return Map.of("y", in.get("x").add(1));
        })) {
            step.run(Map.of("x", HostArray.of(new float[] {1}, 1)));
        }
        assertThatThrownBy(() -> leaked.get().add(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("traced step 'leak'");
    }

    @Test
    void eagerTensorsCapturedByAStepBecomeConstants() {
        Tensor offset = backend.tensor(new float[] {10, 20}, 2);
        try (CompiledStep step = backend.compile("capture", Device.cpu(), (ctx, in) -> Map.of("y", in.get("x").add(offset)))) {
            assertThat(step.run(Map.of("x", HostArray.of(new float[] {1, 2}, 1, 2))).get("y").toFloatArray()).containsExactly(11, 22);
        }
    }

    /** Every differentiable kernel must have a TF gradient path inside a trace, including with an unknown batch dimension. */
    @Test
    void everyDifferentiableKernelHasAGradientInATrace() {
        try (Variable w = variable("wgrad", new float[] {0.5f, -1.5f, 2f, 0.25f, -0.75f, 1.25f}, 2, 3);
                CompiledStep step = backend.compile("grads", Device.cpu(), (ctx, in) -> {
                    Tensor x = in.get("x");   // [?, 3]
                    List<java.util.function.Function<Tensor, Tensor>> ops = List.of(
                            t -> t.gelu(), t -> t.ceil(), t -> t.floor(), t -> t.sign(), t -> t.abs(), t -> t.erf(),
                            t -> t.sigmoid(), t -> t.tanh(), t -> t.sin(), t -> t.cos(), t -> t.exp(), t -> t.square(),
                            t -> t.softmax(0), t -> t.logSoftmax(1), t -> t.max(1, true), t -> t.min(0, false),
                            t -> t.gather(1, x.argmax(1, true)), t -> t.indexSelect(0, x.argmax(0, false)),
                            t -> Tensor.where(t.gt(0), t, t.mul(0.1)), t -> t.to(DType.FLOAT64).sum().to(DType.FLOAT32),
                            t -> t.unsqueeze(0).expand(2, -1, -1), t -> t.slice(1, 0, 3, 2), t -> t.sliceFrom(0, -1),
                            t -> Tensor.concat(List.of(t, t), 1), t -> Tensor.stack(List.of(t, t), 0), t -> t.t(),
                            t -> t.reshape(-1), t -> t.dropout(0.5), t -> t.pow(2), t -> t.maximum(t.mul(-1)),
                            t -> t.div(t.abs().add(1)), t -> t.clamp(-1, 1), t -> t.mul(t.fullLike(3)),
                            t -> t.logsumexp(1, false), t -> t.var(1, true, false), t -> t.sqrt().add(t.rsqrt()));
                    Map<String, Tensor> out = new HashMap<>();
                    for (int i = 0; i < ops.size(); i++) {
                        var op = ops.get(i);
                        Gradients g = ctx.valueAndGrad(() -> op.apply(x.matmul(read(w).t()).matmul(read(w)).abs().add(0.5)).sum(), List.of(w));
                        out.put("g" + i, g.grads().get(0));
                    }
                    return out;
                })) {
            Map<String, HostArray> out = step.run(Map.of("x", HostArray.of(new float[] {1, -2, 3, 0.5f, 0.25f, -1}, 2, 3)));
            for (HostArray g : out.values()) {
                assertThat(g.shape()).isEqualTo(Shape.of(2, 3));
                for (double d : g.toDoubleArray()) {
                    assertThat(Double.isFinite(d)).isTrue();
                }
            }
        }
    }

    @Test
    void gatherGradientScattersBack() {
        try (Variable w = variable("table", new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
                CompiledStep step = backend.compile("gather", Device.cpu(), (ctx, in) -> {
                    Gradients g = ctx.valueAndGrad(() -> read(w).gather(1, in.get("i")).sum(), List.of(w));
                    return Map.of("g", g.grads().get(0), "v", read(w).gather(1, in.get("i")));
                })) {
            Map<String, HostArray> out = step.run(Map.of("i", HostArray.of(new long[] {2, 2, 0, 1}, 2, 2)));
            assertThat(out.get("v").toFloatArray()).containsExactly(3, 3, 4, 5);
            assertThat(out.get("g").toFloatArray()).containsExactly(0, 0, 2, 1, 1, 0);
        }
    }

    @Test
    void eagerScopesReleaseTheirTensors() {
        TfScope outer = (TfScope) backend.newScope();
        Tensor kept;
        try (TensorScope inner = backend.newScope()) {
            Tensor a = backend.tensor(new float[] {1, 2}, 2);
            kept = inner.keep(a.add(1));
            assertThat(((TfScope) inner).size()).as("a and the scalar 1 stay; the sum moved out").isEqualTo(2);
        }
        assertThat(outer.size()).isEqualTo(1);
        assertThat(kept.toFloatArray()).containsExactly(2, 3);
        outer.close();
        assertThatThrownBy(kept::toFloatArray).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void providerCreatesTheBackend() {
        assertThat(Backends.installed()).containsKey("tensorflow");
        try (Backend b = Backends.create("tensorflow")) {
            assertThat(b).isInstanceOf(TensorFlowBackend.class);
            assertThat(b.name()).isEqualTo("tensorflow");
            assertThat(b.tensor(new float[] {1, 2}, 2).add(1).toFloatArray()).containsExactly(2, 3);
        }
    }

    @Test
    void trivialRunCost() {
        try (CompiledStep step = backend.compile("trivial", Device.cpu(), (ctx, in) -> Map.of("y", in.get("x").add(1)))) {
            Map<String, HostArray> in = Map.of("x", HostArray.of(new float[] {1}, 1));
            for (int i = 0; i < 2000; i++) {
                step.run(in);
            }
            int n = 5000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                step.run(in);
            }
            double us = (System.nanoTime() - t0) / 1e3 / n;
            System.out.printf("TensorFlow trivial compiled-step run: %.1f us/run%n", us);
            assertThat(us).isLessThan(5000);
        }
    }
}
