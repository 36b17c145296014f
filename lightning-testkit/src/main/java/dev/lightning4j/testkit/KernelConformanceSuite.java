package dev.lightning4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.FusedOptimizerKernels;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The behaviour every engine must show through the public {@link Tensor} API: each {@link
 * dev.lightning4j.backend.Kernels} op and the composite ops built on them, host transfer for every
 * dtype, gradients through a compiled step, variables and scopes. Expected values are computed by
 * hand (or with {@link Math} for transcendental functions), never by another engine.
 *
 * <p>A backend module runs it by extending this class and implementing {@link #createBackend()}.
 * The suite is written so that a traced engine passes too: ops outside steps are eager, and no step
 * function reads a host value; only {@link CompiledStep#run} outputs are inspected.
 *
 * <p>Each test runs inside a {@link TensorScope} opened before it and closed after it, so the
 * suite also checks that scopes release what the tests create.
 */
@SuppressWarnings("try") // scopes are opened for their effect on ownership
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class KernelConformanceSuite {

    /** Relative tolerance for floating-point comparisons. */
    protected static final double RTOL = 1e-5;
    /** Absolute tolerance, for expected values at or near zero. */
    protected static final double ATOL = 1e-6;

    /** The backend under test, created once per class. */
    protected Backend backend;
    private TensorScope testScope;

    /** Creates the backend under test; called once, closed after the last test. */
    protected abstract Backend createBackend();

    @BeforeAll
    void createBackendOnce() {
        backend = createBackend();
    }

    @AfterAll
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    @BeforeEach
    void openTestScope() {
        testScope = backend.newScope();
    }

    @AfterEach
    void closeTestScope() {
        testScope.close();
    }

    // ------------------------------------------------------------------ helpers

    /** A float32 tensor. */
    protected Tensor f(float[] data, long... shape) {
        return backend.tensor(data, shape);
    }

    /** A float32 vector. */
    protected Tensor vec(float... data) {
        return backend.tensor(data, data.length);
    }

    /** An int64 tensor. */
    protected Tensor i64(long[] data, long... shape) {
        return backend.tensor(data, shape);
    }

    /** A bool tensor. */
    protected Tensor bool(boolean[] data, long... shape) {
        return backend.tensor(HostArray.of(data, shape));
    }

    /** Asserts dtype, shape and values (within {@link #RTOL}/{@link #ATOL}). */
    protected static void assertTensor(Tensor t, DType dtype, long[] shape, double... expected) {
        assertThat(t.dtype()).as("dtype of %s", t).isEqualTo(dtype);
        assertThat(t.shape()).as("shape of %s", t).isEqualTo(Shape.of(shape));
        assertValues(t.toHost(), expected);
    }

    /** Asserts a float32 result of the given shape. */
    protected static void assertF32(Tensor t, long[] shape, double... expected) {
        assertTensor(t, DType.FLOAT32, shape, expected);
    }

    /** Asserts host values within tolerance. */
    protected static void assertValues(HostArray h, double... expected) {
        double[] actual = h.toDoubleArray();
        assertThat(actual.length).as("number of values").isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (Double.isNaN(e)) {
                assertThat(a).as("value %d", i).isNaN();
            } else if (Double.isInfinite(e)) {
                assertThat(a).as("value %d", i).isEqualTo(e);
            } else if (Math.abs(a - e) > ATOL + RTOL * Math.abs(e)) {
                fail("value " + i + ": expected " + e + " but was " + a + " (all values: "
                        + Arrays.toString(actual) + ", expected " + Arrays.toString(expected) + ")");
            }
        }
    }

    private static long[] s(long... dims) {
        return dims;
    }

    private static final long[] SCALAR = new long[0];

    private static double[] map(double[] in, java.util.function.DoubleUnaryOperator fn) {
        double[] out = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = fn.applyAsDouble(in[i]);
        }
        return out;
    }

    private static float[] fl(double... v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    private static float[] range(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    private static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    // ------------------------------------------------------------------ host transfer

    @Test
    void hostRoundTripForEveryDType() {
        HostArray[] inputs = {
            HostArray.of(new float[] {1.5f, -2f, 0f, 3.25f}, 2, 2),
            HostArray.of(new double[] {1e-300, -2.5, Math.PI}, 3),
            HostArray.of(new int[] {1, -2, Integer.MAX_VALUE}, 3, 1),
            HostArray.of(new long[] {Long.MIN_VALUE, 0, 1L << 40}, 3),
            HostArray.of(new boolean[] {true, false, false, true, true, false}, 2, 3),
            HostArray.of(new float[] {7f}),
        };
        for (HostArray in : inputs) {
            Tensor t = backend.tensor(in);
            assertThat(t.dtype()).isEqualTo(in.dtype());
            assertThat(t.shape()).isEqualTo(in.shape());
            assertThat(t.toHost()).as("round trip of %s", in).isEqualTo(in);
        }
    }

    /**
     * A data loader's batches are row selections of the data set's arrays, which a backend copies
     * run by run straight into its tensors: every dtype, in order (one run), shuffled with a repeat
     * (a run per row) and selected from a selection, eagerly and as compiled-step inputs.
     */
    @Test
    void rowSelectionsEnterAsTheirRows() {
        HostArray[] sources = {
            HostArray.of(new float[] {0, 1, 10, 11, 20, 21, 30, 31, 40, 41}, 5, 2),
            HostArray.of(new double[] {0.5, 1.5, 2.5, 3.5, 4.5}, 5),
            HostArray.of(new int[] {0, -1, 2, -3, 4, -5, 6, -7, 8, -9}, 5, 2, 1),
            HostArray.of(new long[] {1L << 40, 1, 2, 3, -4}, 5),
            HostArray.of(new boolean[] {true, false, false, true, true, true, false, false, true, false}, 5, 2),
        };
        int[][] selections = {{1, 2, 3}, {4, 0, 2, 2}};
        for (HostArray source : sources) {
            for (int[] rows : selections) {
                HostArray.RowSelection sel = HostArray.selectRows(source, rows);
                HostArray expected = sel.dense();
                assertThat(expected).isNotInstanceOf(HostArray.RowSelection.class);
                assertThat(backend.tensor(sel).toHost()).as("eager %s rows %s", source, Arrays.toString(rows))
                        .isEqualTo(expected);
                Map<String, HostArray> out = runOnce((ctx, x) -> Map.of("x", x.get("x").reshape(expected.shape())), Map.of("x", sel));
                HostArray back = out.get("x");
                assertThat(back.dtype()).isEqualTo(source.dtype());
                assertThat(back.shape()).isEqualTo(expected.shape());
                assertThat(back.toDoubleArray()).as("compiled %s rows %s", source, Arrays.toString(rows))
                        .containsExactly(expected.toDoubleArray());
            }
            HostArray.RowSelection nested = HostArray.selectRows(HostArray.selectRows(source, new int[] {4, 3, 2}), new int[] {2, 0});
            assertThat(backend.tensor(nested).toHost()).isEqualTo(HostArray.selectRows(source, new int[] {2, 4}).dense());
        }
    }

    @Test
    void scalarTensorHasRankZero() {
        Tensor t = backend.tensor(HostArray.of(new float[] {4f}));
        assertThat(t.rank()).isZero();
        assertThat(t.item()).isEqualTo(4.0);
        assertTensor(t.newScalar(3, DType.INT64), DType.INT64, SCALAR, 3);
    }

    @Test
    void fullAndLikes() {
        assertTensor(backend.full(Shape.of(2, 2), 1.5, DType.FLOAT64), DType.FLOAT64, s(2, 2), 1.5, 1.5, 1.5, 1.5);
        assertTensor(backend.full(Shape.of(3), 1, DType.BOOL), DType.BOOL, s(3), 1, 1, 1);
        Tensor x = i64(new long[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertTensor(x.zerosLike(), DType.INT64, s(2, 3), 0, 0, 0, 0, 0, 0);
        assertTensor(x.onesLike(), DType.INT64, s(2, 3), 1, 1, 1, 1, 1, 1);
        assertF32(vec(1, 2).fullLike(-7), s(2), -7, -7);
        assertF32(vec(1, 2).newFull(Shape.of(1, 2), 2, DType.FLOAT32), s(1, 2), 2, 2);
    }

    // ------------------------------------------------------------------ unary ops

    private static final double[] X = {-1.5, -0.5, 0, 0.5, 2};
    private static final double[] POS = {0.25, 1, 4, 9};

    private Tensor x() {
        return vec(fl(X));
    }

    private Tensor pos() {
        return vec(fl(POS));
    }

    @Test
    void elementwiseUnaryOps() {
        long[] sh = s(5);
        assertF32(x().neg(), sh, map(X, v -> -v));
        assertF32(x().abs(), sh, map(X, Math::abs));
        assertF32(x().exp(), sh, map(X, Math::exp));
        assertF32(x().square(), sh, map(X, v -> v * v));
        assertF32(x().relu(), sh, map(X, v -> Math.max(v, 0)));
        assertF32(x().sigmoid(), sh, map(X, v -> 1 / (1 + Math.exp(-v))));
        assertF32(x().tanh(), sh, map(X, Math::tanh));
        assertF32(x().sign(), sh, -1, -1, 0, 1, 1);
        assertF32(x().floor(), sh, -2, -1, 0, 0, 2);
        assertF32(x().ceil(), sh, -1, -0.0, 0, 1, 2);
        assertF32(x().sin(), sh, map(X, Math::sin));
        assertF32(x().cos(), sh, map(X, Math::cos));
        assertF32(pos().log(), s(4), map(POS, Math::log));
        assertF32(pos().sqrt(), s(4), map(POS, Math::sqrt));
        assertF32(pos().rsqrt(), s(4), map(POS, v -> 1 / Math.sqrt(v)));
    }

    @Test
    void log1pIsAccurateForTinyArguments() {
        double[] in = {1e-7, -1e-7, 0, 0.5, 3, -0.5};
        assertF32(vec(fl(in)).log1p(), s(6), map(in, Math::log1p));
    }

    @Test
    void erfAndExactGelu() {
        // erf and Phi values from tables; GELU must be the exact x * Phi(x), not the tanh form.
        assertF32(x().erf(), s(5), -0.96610515, -0.52049988, 0, 0.52049988, 0.99532227);
        assertF32(x().gelu(), s(5), -1.5 * 0.0668072013, -0.5 * 0.3085375387, 0, 0.5 * 0.6914624613,
                2 * 0.9772498681);
    }

    @Test
    void integerUnaryOpsKeepTheirDType() {
        Tensor x = i64(new long[] {-3, 0, 4}, 3);
        assertTensor(x.neg(), DType.INT64, s(3), 3, 0, -4);
        assertTensor(x.abs(), DType.INT64, s(3), 3, 0, 4);
        assertTensor(x.square(), DType.INT64, s(3), 9, 0, 16);
    }

    @Test
    void logicalNot() {
        assertTensor(bool(new boolean[] {true, false}, 2).logicalNot(), DType.BOOL, s(2), 0, 1);
    }

    @Test
    void floatOnlyOpsRejectIntegers() {
        assertThatThrownBy(() -> i64(new long[] {1}, 1).exp())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exp")
                .hasMessageContaining("INT64");
    }

    // ------------------------------------------------------------------ binary ops

    @Test
    void elementwiseBinaryOps() {
        Tensor a = vec(1, -2, 3, 4);
        Tensor b = vec(2, 4, -1, 0.5f);
        long[] sh = s(4);
        assertF32(a.add(b), sh, 3, 2, 2, 4.5);
        assertF32(a.sub(b), sh, -1, -6, 4, 3.5);
        assertF32(a.mul(b), sh, 2, -8, -3, 2);
        assertF32(a.div(b), sh, 0.5, -0.5, -3, 8);
        assertF32(vec(2, 3, 4, 9).pow(vec(2, 0, 0.5f, -1)), sh, 4, 1, 2, 1.0 / 9);
        assertF32(a.maximum(b), sh, 2, 4, 3, 4);
        assertF32(a.minimum(b), sh, 1, -2, -1, 0.5);
    }

    @Test
    void binaryOpsBroadcast() {
        Tensor m = f(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertF32(m.add(vec(10, 20, 30)), s(2, 3), 11, 22, 33, 14, 25, 36);
        assertF32(vec(10, 20, 30).sub(m), s(2, 3), 9, 18, 27, 6, 15, 24);
        Tensor col = f(new float[] {1, 2}, 2, 1);
        Tensor row = f(new float[] {3, 4, 5}, 1, 3);
        assertF32(col.mul(row), s(2, 3), 3, 4, 5, 6, 8, 10);
        assertF32(col.add(f(new float[] {100}, SCALAR)), s(2, 1), 101, 102);
    }

    @Test
    void scalarForms() {
        Tensor a = vec(1, 2, 4);
        assertF32(a.add(1.5), s(3), 2.5, 3.5, 5.5);
        assertF32(a.sub(1), s(3), 0, 1, 3);
        assertF32(a.rsub(1), s(3), 0, -1, -3);
        assertF32(a.mul(-2), s(3), -2, -4, -8);
        assertF32(a.div(4), s(3), 0.25, 0.5, 1);
        assertF32(a.pow(2), s(3), 1, 4, 16);
        assertF32(a.pow(0.5), s(3), 1, Math.sqrt(2), 2);
        assertF32(a.maximum(2), s(3), 2, 2, 4);
        assertF32(a.minimum(2), s(3), 1, 2, 2);
    }

    @Test
    void dtypePromotion() {
        Tensor ints = i64(new long[] {3, 4}, 2);
        Tensor floats = vec(0.5f, 0.25f);
        assertF32(ints.add(floats), s(2), 3.5, 4.25);
        assertF32(floats.mul(ints), s(2), 1.5, 1);
        // int / int is true division to float32, as torch.div
        assertF32(ints.div(i64(new long[] {2, 8}, 2)), s(2), 1.5, 0.5);
        assertF32(ints.div(2), s(2), 1.5, 2);
        assertTensor(ints.add(2), DType.INT64, s(2), 5, 6);
        assertTensor(ints.mul(i64(new long[] {2, 3}, 2)), DType.INT64, s(2), 6, 12);
        assertF32(ints.add(0.5), s(2), 3.5, 4.5);
        Tensor f64 = backend.tensor(HostArray.of(new double[] {1, 2}, 2));
        assertTensor(f64.add(floats), DType.FLOAT64, s(2), 1.5, 2.25);
        assertTensor(ints.to(DType.INT32).add(ints), DType.INT64, s(2), 6, 8);
    }

    @Test
    void comparisonsReturnBool() {
        Tensor a = vec(1, 2, 3);
        Tensor b = vec(3, 2, 1);
        assertTensor(a.eq(b), DType.BOOL, s(3), 0, 1, 0);
        assertTensor(a.ne(b), DType.BOOL, s(3), 1, 0, 1);
        assertTensor(a.lt(b), DType.BOOL, s(3), 1, 0, 0);
        assertTensor(a.le(b), DType.BOOL, s(3), 1, 1, 0);
        assertTensor(a.gt(b), DType.BOOL, s(3), 0, 0, 1);
        assertTensor(a.ge(b), DType.BOOL, s(3), 0, 1, 1);
        assertTensor(a.gt(1.5), DType.BOOL, s(3), 0, 1, 1);
        assertTensor(a.eq(2), DType.BOOL, s(3), 0, 1, 0);
        assertTensor(i64(new long[] {1, 2}, 2).le(1), DType.BOOL, s(2), 1, 0);
        assertTensor(f(new float[] {1, 2}, 2, 1).lt(vec(1.5f, 2.5f)), DType.BOOL, s(2, 2), 1, 1, 0, 1);
    }

    @Test
    void logicalAndOr() {
        Tensor a = bool(new boolean[] {true, true, false, false}, 4);
        Tensor b = bool(new boolean[] {true, false, true, false}, 4);
        assertTensor(a.logicalAnd(b), DType.BOOL, s(4), 1, 0, 0, 0);
        assertTensor(a.logicalOr(b), DType.BOOL, s(4), 1, 1, 1, 0);
    }

    @Test
    void whereBroadcastsAllThree() {
        Tensor cond = bool(new boolean[] {true, false, true}, 3);
        Tensor a = f(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = f(new float[] {-1}, SCALAR);
        assertF32(Tensor.where(cond, a, b), s(2, 3), 1, -1, 3, 4, -1, 6);
        Tensor m = vec(-2, 5, 0);
        assertF32(Tensor.where(m.gt(0), m, m.mul(0.5)), s(3), -1, 5, 0);
    }

    @Test
    void clamp() {
        assertF32(vec(-3, 0.5f, 9).clamp(-1, 1), s(3), -1, 0.5, 1);
        assertF32(vec(-3, 0.5f, 9).clampMin(0), s(3), 0, 0.5, 9);
        assertF32(vec(-3, 0.5f, 9).clampMax(0), s(3), -3, 0, 0);
    }

    // ------------------------------------------------------------------ reductions

    private Tensor m23() {
        return f(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    }

    private Tensor r223() {
        return f(range(12), 2, 2, 3);
    }

    @Test
    void reductionsOverAll() {
        assertF32(m23().sum(), SCALAR, 21);
        assertF32(m23().mean(), SCALAR, 3.5);
        assertF32(m23().max(), SCALAR, 6);
        assertF32(m23().min(), SCALAR, 1);
        assertTensor(i64(new long[] {1, 2, 3}, 3).sum(), DType.INT64, SCALAR, 6);
    }

    @Test
    void reductionsOverOneDim() {
        assertF32(m23().sum(0, false), s(3), 5, 7, 9);
        assertF32(m23().sum(1, true), s(2, 1), 6, 15);
        assertF32(m23().mean(1, false), s(2), 2, 5);
        assertF32(m23().mean(-2, true), s(1, 3), 2.5, 3.5, 4.5);
        assertF32(m23().max(0, false), s(3), 4, 5, 6);
        assertF32(m23().max(1, true), s(2, 1), 3, 6);
        assertF32(m23().min(1, true), s(2, 1), 1, 4);
        assertF32(m23().min(0, false), s(3), 1, 2, 3);
    }

    @Test
    void reductionsOverTwoDims() {
        // r223[i][j][k] = 6i + 3j + k
        assertF32(r223().sum(new int[] {0, 2}, false), s(2), 24, 42);
        assertF32(r223().sum(new int[] {2, 0}, true), s(1, 2, 1), 24, 42);
        assertF32(r223().mean(new int[] {0, 2}, false), s(2), 4, 7);
        assertF32(r223().mean(new int[] {1, 2}, true), s(2, 1, 1), 2.5, 8.5);
    }

    @Test
    void argReductions() {
        Tensor m = f(new float[] {1, 5, 3, 7, 2, 9}, 2, 3);
        assertTensor(m.argmax(1, false), DType.INT64, s(2), 1, 2);
        assertTensor(m.argmin(1, false), DType.INT64, s(2), 0, 1);
        assertTensor(m.argmax(0, true), DType.INT64, s(1, 3), 1, 0, 1);
        assertTensor(m.argmin(-2, true), DType.INT64, s(1, 3), 0, 1, 0);
    }

    @Test
    void logsumexpAndVar() {
        Tensor m = f(new float[] {1, 2, 3, 1000, 1000, 1000}, 2, 3);
        double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        assertF32(m.logsumexp(1, false), s(2), lse, 1000 + Math.log(3));
        assertF32(m.logsumexp(1, true), s(2, 1), lse, 1000 + Math.log(3));
        Tensor v = f(new float[] {1, 2, 3, 4, 2, 2, 2, 2}, 2, 4);
        assertF32(v.var(1, true, false), s(2), 5.0 / 3, 0);
        assertF32(v.var(1, false, true), s(2, 1), 1.25, 0);
    }

    @Test
    void softmaxAndLogSoftmax() {
        Tensor m = f(new float[] {1, 2, 3, 1, 1, 1}, 2, 3);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertF32(m.softmax(1), s(2, 3), Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z, 1.0 / 3, 1.0 / 3,
                1.0 / 3);
        assertF32(m.logSoftmax(-1), s(2, 3), 1 - Math.log(z), 2 - Math.log(z), 3 - Math.log(z), -Math.log(3),
                -Math.log(3), -Math.log(3));
        assertF32(m.softmax(0), s(2, 3), 0.5, 1 / (1 + Math.exp(-1)), 1 / (1 + Math.exp(-2)), 0.5,
                1 / (1 + Math.exp(1)), 1 / (1 + Math.exp(2)));
        // large logits must not overflow
        assertF32(vec(1000, 1000).logSoftmax(0), s(2), -Math.log(2), -Math.log(2));
    }

    // ------------------------------------------------------------------ matmul

    @Test
    void matmul2d() {
        Tensor a = m23();
        Tensor b = f(new float[] {1, 0, 0, 1, 2, -1}, 3, 2);
        assertF32(a.matmul(b), s(2, 2), 7, -1, 16, -1);
    }

    @Test
    void matmulBatched() {
        Tensor a = f(range(12), 2, 2, 3); // batch of two [2,3]
        Tensor b = f(new float[] {1, 1, 1, 1, 0, -1}, 2, 3, 1);
        // batch 0: [[0,1,2],[3,4,5]] @ [1,1,1]^T = [3, 12]; batch 1: [[6,7,8],[9,10,11]] @ [1,0,-1]^T = [-2, -2]
        assertF32(a.matmul(b), s(2, 2, 1), 3, 12, -2, -2);
    }

    @Test
    void matmulBroadcastsBatchDims() {
        Tensor a = f(range(12), 2, 2, 3);
        Tensor w = f(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        // rows r: [r0 + r2, r1 + r2]
        assertF32(a.matmul(w), s(2, 2, 2), 2, 3, 8, 9, 14, 15, 20, 21);
        Tensor a1 = f(new float[] {1, 2, 3}, 1, 1, 3);
        Tensor b2 = f(new float[] {1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1}, 2, 3, 2);
        assertF32(a1.matmul(b2), s(2, 1, 2), 1, 2, 5, 5);
    }

    @Test
    void matmulWithVectors() {
        Tensor v = vec(1, 2, 3);
        assertF32(v.matmul(vec(4, 5, 6)), SCALAR, 32);
        assertF32(m23().matmul(v), s(2), 14, 32);
        assertF32(vec(1, -1).matmul(m23()), s(3), -3, -3, -3);
    }

    @Test
    void matmulShapeMismatchNamesOpAndShapes() {
        assertThatThrownBy(() -> m23().matmul(f(range(20), 4, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul")
                .hasMessageContaining("[2, 3]")
                .hasMessageContaining("[4, 5]");
    }

    // ------------------------------------------------------------------ shape ops

    @Test
    void reshapeWithInferredDim() {
        Tensor r = f(range(6), 2, 3).reshape(3, -1);
        assertF32(r, s(3, 2), 0, 1, 2, 3, 4, 5);
        assertF32(f(range(6), 2, 3).reshape(-1), s(6), 0, 1, 2, 3, 4, 5);
        assertF32(f(range(6), 6).reshape(Shape.of(1, 2, 3)), s(1, 2, 3), 0, 1, 2, 3, 4, 5);
        assertF32(f(range(24), 2, 3, 4).flatten(1), s(2, 12), toDouble(range(24)));
    }

    @Test
    void permuteAndTranspose() {
        Tensor x = f(range(24), 2, 3, 4); // x[i][j][k] = 12i + 4j + k
        double[] expected = new double[24];
        int n = 0;
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    expected[n++] = 12 * i + 4 * j + k;
                }
            }
        }
        assertF32(x.permute(2, 0, 1), s(4, 2, 3), expected);
        assertF32(m23().transpose(0, 1), s(3, 2), 1, 4, 2, 5, 3, 6);
        assertF32(m23().t(), s(3, 2), 1, 4, 2, 5, 3, 6);
        assertF32(x.transpose(-1, 0).transpose(0, 2).permute(0, 1, 2), s(2, 3, 4), toDouble(range(24)));
    }

    @Test
    void squeezeAndUnsqueeze() {
        Tensor x = f(new float[] {1, 2, 3}, 1, 3, 1);
        assertF32(x.squeeze(0), s(3, 1), 1, 2, 3);
        assertF32(x.squeeze(-1), s(1, 3), 1, 2, 3);
        assertF32(vec(1, 2).unsqueeze(0), s(1, 2), 1, 2);
        assertF32(vec(1, 2).unsqueeze(-1), s(2, 1), 1, 2);
        assertF32(vec(1, 2).unsqueeze(1), s(2, 1), 1, 2);
        assertThatThrownBy(() -> m23().squeeze(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("squeeze")
                .hasMessageContaining("[2, 3]");
    }

    @Test
    void concatAndStack() {
        Tensor a = f(new float[] {1, 2}, 1, 2);
        Tensor b = f(new float[] {3, 4, 5, 6}, 2, 2);
        assertF32(Tensor.concat(List.of(a, b), 0), s(3, 2), 1, 2, 3, 4, 5, 6);
        assertF32(Tensor.concat(List.of(b, b), -1), s(2, 4), 3, 4, 3, 4, 5, 6, 5, 6);
        assertF32(Tensor.stack(List.of(vec(1, 2), vec(3, 4)), 0), s(2, 2), 1, 2, 3, 4);
        assertF32(Tensor.stack(List.of(vec(1, 2), vec(3, 4)), 1), s(2, 2), 1, 3, 2, 4);
        assertF32(Tensor.stack(List.of(vec(1, 2), vec(3, 4)), -1), s(2, 2), 1, 3, 2, 4);
        // mixed dtypes promote
        assertF32(Tensor.concat(List.of(vec(0.5f), i64(new long[] {2}, 1)), 0), s(2), 0.5, 2);
        assertThatThrownBy(() -> Tensor.concat(List.of(f(range(6), 2, 3), f(range(4), 2, 2)), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("concat")
                .hasMessageContaining("[2, 3]")
                .hasMessageContaining("[2, 2]");
    }

    @Test
    void sliceAndSelect() {
        Tensor v = vec(fl(0, 1, 2, 3, 4, 5, 6));
        assertF32(v.slice(0, 1, 4), s(3), 1, 2, 3);
        assertF32(v.slice(0, -3, 7), s(3), 4, 5, 6);
        assertF32(v.slice(0, 0, -5), s(2), 0, 1);
        assertF32(v.slice(0, 1, 100, 2), s(3), 1, 3, 5);
        assertF32(v.slice(0, 0, 7, 3), s(3), 0, 3, 6);
        assertF32(v.slice(0, 5, 2), s(0));
        assertF32(v.sliceFrom(0, -2), s(2), 5, 6);
        Tensor m = m23();
        assertF32(m.slice(1, 1, 3), s(2, 2), 2, 3, 5, 6);
        assertF32(m.select(1, -1), s(2), 3, 6);
        assertF32(m.select(0, 1), s(3), 4, 5, 6);
        assertF32(m.select(1, 0), s(2), 1, 4);
    }

    @Test
    void gatherAsForCrossEntropy() {
        Tensor logp = f(new float[] {0.1f, 0.2f, 0.7f, 0.5f, 0.4f, 0.1f}, 2, 3);
        Tensor target = i64(new long[] {2, 0}, 2);
        assertF32(logp.gather(1, target.unsqueeze(1)), s(2, 1), 0.7, 0.5);
        Tensor idx = i64(new long[] {0, 0, 1, 2, 1, 0}, 2, 3);
        assertF32(logp.gather(1, idx), s(2, 3), 0.1, 0.1, 0.2, 0.1, 0.4, 0.5);
        assertF32(logp.gather(0, i64(new long[] {1, 0, 1}, 1, 3)), s(1, 3), 0.5, 0.2, 0.1);
    }

    @Test
    void indexSelect() {
        Tensor m = f(range(12), 3, 4);
        assertF32(m.indexSelect(0, i64(new long[] {2, 0, 2}, 3)), s(3, 4), 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11);
        assertF32(m.indexSelect(1, i64(new long[] {3, 1}, 2)), s(3, 2), 3, 1, 7, 5, 11, 9);
        assertF32(f(range(12), 2, 3, 2).indexSelect(1, i64(new long[] {1}, 1)), s(2, 1, 2), 2, 3, 8, 9);
    }

    @Test
    void oneHot() {
        Tensor idx = i64(new long[] {0, 2, 1}, 3);
        assertF32(idx.oneHot(3, DType.FLOAT32), s(3, 3), 1, 0, 0, 0, 0, 1, 0, 1, 0);
        assertTensor(i64(new long[] {1, 0}, 2, 1).oneHot(2, DType.INT64), DType.INT64, s(2, 1, 2), 0, 1, 1, 0);
    }

    @Test
    void cast() {
        Tensor v = vec(1.7f, -1.7f, 0f);
        assertTensor(v.to(DType.INT64), DType.INT64, s(3), 1, -1, 0);
        assertTensor(v.to(DType.INT32), DType.INT32, s(3), 1, -1, 0);
        assertTensor(v.to(DType.BOOL), DType.BOOL, s(3), 1, 1, 0);
        assertTensor(v.to(DType.FLOAT64), DType.FLOAT64, s(3), 1.7f, -1.7f, 0);
        assertF32(bool(new boolean[] {true, false}, 2).to(DType.FLOAT32), s(2), 1, 0);
        assertF32(i64(new long[] {3, -4}, 2).to(DType.FLOAT32), s(2), 3, -4);
        assertThat(v.to(DType.FLOAT32)).isSameAs(v);
    }

    @Test
    void expand() {
        Tensor c = f(new float[] {1, 2, 3}, 3, 1);
        assertF32(c.expand(3, 2), s(3, 2), 1, 1, 2, 2, 3, 3);
        assertF32(c.expand(2, -1, 2), s(2, 3, 2), 1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3);
        assertF32(vec(5).expand(3), s(3), 5, 5, 5);
    }

    @Test
    void detachKeepsValues() {
        assertF32(vec(1, 2).detach(), s(2), 1, 2);
    }

    @Test
    void dropoutZeroesAndScales() {
        Tensor ones = backend.full(Shape.of(2000), 1, DType.FLOAT32);
        backend.manualSeed(42);
        float[] first = ones.dropout(0.25).toFloatArray();
        int zeros = 0;
        for (float v : first) {
            if (v == 0) {
                zeros++;
            } else {
                assertThat((double) v).isCloseTo(1 / 0.75, org.assertj.core.data.Offset.offset(1e-6));
            }
        }
        assertThat(zeros).isBetween(400, 600);
        backend.manualSeed(42);
        assertThat(ones.dropout(0.25).toFloatArray()).as("same seed, same mask").isEqualTo(first);
        assertThat(ones.dropout(0)).isSameAs(ones);
    }

    // ------------------------------------------------------------------ error messages

    @Test
    void broadcastMismatchNamesOpAndShapes() {
        assertThatThrownBy(() -> m23().add(vec(1, 2, 3, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("add")
                .hasMessageContaining("[2, 3]")
                .hasMessageContaining("[4]");
        assertThatThrownBy(() -> m23().mul(f(range(6), 3, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mul")
                .hasMessageContaining("[2, 3]")
                .hasMessageContaining("[3, 2]");
        assertThatThrownBy(() -> m23().reshape(4, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reshape")
                .hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> m23().sum(2, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sum")
                .hasMessageContaining("[2, 3]");
    }

    // ------------------------------------------------------------------ scopes

    @Test
    void closingAScopeClosesItsTensors() {
        Tensor outer = vec(1, 2);
        Tensor inner;
        try (TensorScope scope = backend.newScope()) {
            inner = outer.add(1);
            assertF32(inner, s(2), 2, 3);
        }
        assertThatThrownBy(inner::toHost).isInstanceOf(IllegalStateException.class);
        assertF32(outer, s(2), 1, 2);
    }

    @Test
    void keepMovesATensorToTheParentScope() {
        Tensor kept;
        Tensor dropped;
        try (TensorScope parent = backend.newScope()) {
            try (TensorScope child = backend.newScope()) {
                Tensor x = vec(1, 2, 3);
                dropped = x.mul(2);
                kept = child.keep(x.add(10));
            }
            assertF32(kept, s(3), 11, 12, 13);
            assertThatThrownBy(dropped::toHost).isInstanceOf(IllegalStateException.class);
        }
        assertThatThrownBy(kept::toHost).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingATensorEarlyIsIdempotent() {
        Tensor t = vec(1);
        t.close();
        t.close();
        assertThatThrownBy(t::toHost).isInstanceOf(IllegalStateException.class);
    }

    // ------------------------------------------------------------------ variables

    private Variable variable(String name, float[] data, boolean trainable, long... shape) {
        return backend.newVariable(name, HostArray.of(data, shape), trainable, Device.cpu());
    }

    @Test
    void variableLoadAndToHostRoundTrip() {
        try (Variable v = variable("v", new float[] {1, 2, 3, 4}, true, 2, 2)) {
            assertThat(v.name()).isEqualTo("v");
            assertThat(v.shape()).isEqualTo(Shape.of(2, 2));
            assertThat(v.dtype()).isEqualTo(DType.FLOAT32);
            assertThat(v.trainable()).isTrue();
            assertValues(v.toHost(), 1, 2, 3, 4);
            v.load(HostArray.of(new float[] {5, 6, 7, 8}, 2, 2));
            assertValues(v.toHost(), 5, 6, 7, 8);
            assertThatThrownBy(() -> v.load(HostArray.of(new float[] {1, 2}, 2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[2, 2]")
                    .hasMessageContaining("[2]");
        }
        try (Variable n = backend.newVariable("count", HostArray.of(new long[] {7}), false, Device.cpu())) {
            assertThat(n.dtype()).isEqualTo(DType.INT64);
            assertThat(n.shape()).isEqualTo(Shape.scalar());
            assertValues(n.toHost(), 7);
        }
    }

    @Test
    void variablesSurviveScopes() {
        try (Variable v = variable("v", new float[] {1, 2}, false, 2)) {
            try (TensorScope scope = backend.newScope()) {
                Tensor r = Tensor.wrap(backend, v.read()).add(1);
                assertF32(r, s(2), 2, 3);
            }
            assertValues(v.toHost(), 1, 2);
            assertF32(Tensor.wrap(backend, v.read()), s(2), 1, 2);
        }
    }

    @Test
    void assignInsideAStepIsVisibleAfterwardsAndToLaterReads() {
        try (Variable v = variable("v", new float[] {1, 2}, false, 2);
                CompiledStep step = backend.compile("assign", Device.cpu(), (ctx, in) -> {
                    Tensor cur = Tensor.wrap(backend, v.read());
                    v.assign(cur.add(in.get("delta")).nativeTensor());
                    Tensor after = Tensor.wrap(backend, v.read());
                    return Map.of("twice", after.mul(2));
                })) {
            Map<String, HostArray> out = step.run(Map.of("delta", HostArray.of(new float[] {10, 20}, 2)));
            assertValues(out.get("twice"), 22, 44);
            assertValues(v.toHost(), 11, 22);
            out = step.run(Map.of("delta", HostArray.of(new float[] {1, 1}, 2)));
            assertValues(out.get("twice"), 24, 46);
            assertValues(v.toHost(), 12, 23);
        }
    }

    @Test
    void assignRejectsShapeMismatch() {
        try (Variable v = variable("w", new float[] {1, 2}, false, 2)) {
            assertThatThrownBy(() -> v.assign(vec(1, 2, 3).nativeTensor()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("w")
                    .hasMessageContaining("[2]")
                    .hasMessageContaining("[3]");
        }
    }

    // ------------------------------------------------------------------ steps and gradients

    /** Runs a step once with the given inputs and closes it. */
    protected Map<String, HostArray> runOnce(StepFunction fn, Map<String, HostArray> inputs) {
        try (CompiledStep step = backend.compile("test", Device.cpu(), fn)) {
            return step.run(inputs);
        }
    }

    private Tensor read(Variable v) {
        return Tensor.wrap(backend, v.read());
    }

    @Test
    void stepPassesInputsAndReturnsEveryDType() {
        Map<String, HostArray> in = Map.of(
                "f", HostArray.of(new float[] {1, 2}, 2),
                "l", HostArray.of(new long[] {3, 4}, 2),
                "b", HostArray.of(new boolean[] {true, false}, 2),
                "d", HostArray.of(new double[] {0.5}),
                "i", HostArray.of(new int[] {9}, 1));
        Map<String, HostArray> out = runOnce((ctx, x) -> Map.of(
                "f", x.get("f").mul(2),
                "l", x.get("l").add(1),
                "b", x.get("b").logicalNot(),
                "d", x.get("d").add(1),
                "i", x.get("i").neg()), in);
        assertThat(out.get("f")).isEqualTo(HostArray.of(new float[] {2, 4}, 2));
        assertThat(out.get("l")).isEqualTo(HostArray.of(new long[] {4, 5}, 2));
        assertThat(out.get("b")).isEqualTo(HostArray.of(new boolean[] {false, true}, 2));
        assertThat(out.get("d")).isEqualTo(HostArray.of(new double[] {1.5}));
        assertThat(out.get("i")).isEqualTo(HostArray.of(new int[] {-9}, 1));
    }

    @Test
    void gradientOfSumOfSquaredMatmul() {
        float[] x = {1, 2, 3, -1, 0, 2};           // [2,3]
        float[] w0 = {0.5f, -1, 1, 0, -0.5f, 2};  // [3,2]
        // y = x @ w; dL/dw = 2 x^T y
        double[][] y = new double[2][2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 3; k++) {
                    y[i][j] += x[i * 3 + k] * w0[k * 2 + j];
                }
            }
        }
        double loss = 0;
        double[] grad = new double[6];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                loss += y[i][j] * y[i][j];
                for (int k = 0; k < 3; k++) {
                    grad[k * 2 + j] += 2 * x[i * 3 + k] * y[i][j];
                }
            }
        }
        try (Variable w = variable("w", w0, true, 3, 2)) {
            Map<String, HostArray> out = runOnce((ctx, in) -> {
                Tensor xs = in.get("x");
                Gradients g = ctx.valueAndGrad(() -> xs.matmul(read(w)).square().sum(), List.of(w));
                return Map.of("g", g.grads().get(0), "loss", g.value());
            }, Map.of("x", HostArray.of(x, 2, 3)));
            assertValues(out.get("loss"), loss);
            assertThat(out.get("g").shape()).isEqualTo(Shape.of(3, 2));
            assertValues(out.get("g"), grad);
            assertValues(w.toHost(), toDouble(w0));
        }
    }

    @Test
    void gradientOfMeanRelu() {
        float[] x = {-1, 2, 3, -4};
        float[] w0 = {1, -1, 2, -0.5f};
        double[] grad = new double[4];
        for (int i = 0; i < 4; i++) {
            grad[i] = x[i] * w0[i] > 0 ? x[i] / 4.0 : 0;
        }
        try (Variable w = variable("w", w0, true, 4)) {
            Map<String, HostArray> out = runOnce((ctx, in) -> {
                Gradients g = ctx.valueAndGrad(() -> in.get("x").mul(read(w)).relu().mean(), List.of(w));
                return Map.of("g", g.grads().get(0), "loss", g.value());
            }, Map.of("x", HostArray.of(x, 4)));
            assertValues(out.get("loss"), (3 * 2 + 2) / 4.0);
            assertValues(out.get("g"), grad);
        }
    }

    @Test
    void gradientFlowsThroughFloatCasts() {
        try (Variable w = variable("w", new float[] {1, 2}, true, 2)) {
            Map<String, HostArray> out = runOnce((ctx, in) -> {
                Gradients g = ctx.valueAndGrad(() -> read(w).to(DType.FLOAT64).mul(in.get("x").to(DType.FLOAT64)).sum()
                        .to(DType.FLOAT32), List.of(w));
                return Map.of("g", g.grads().get(0), "loss", g.value());
            }, Map.of("x", HostArray.of(new float[] {3, 4}, 2)));
            assertValues(out.get("loss"), 11);
            assertValues(out.get("g"), 3, 4);
        }
    }

    @Test
    void gradientOfCrossEntropy() {
        float[] x = {1, 0, 2, -1};                   // [2,2]
        float[] w0 = {0.1f, 0.2f, -0.3f, 0.4f, 0.5f, 0.6f}; // [2,3]
        long[] y = {2, 0};
        double[][] logits = new double[2][3];
        for (int i = 0; i < 2; i++) {
            for (int c = 0; c < 3; c++) {
                for (int k = 0; k < 2; k++) {
                    logits[i][c] += x[i * 2 + k] * w0[k * 3 + c];
                }
            }
        }
        double loss = 0;
        double[][] dlogits = new double[2][3];
        for (int i = 0; i < 2; i++) {
            double z = 0;
            for (int c = 0; c < 3; c++) {
                z += Math.exp(logits[i][c]);
            }
            loss -= (logits[i][(int) y[i]] - Math.log(z)) / 2;
            for (int c = 0; c < 3; c++) {
                dlogits[i][c] = (Math.exp(logits[i][c]) / z - (c == y[i] ? 1 : 0)) / 2;
            }
        }
        double[] grad = new double[6];
        for (int k = 0; k < 2; k++) {
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 2; i++) {
                    grad[k * 3 + c] += x[i * 2 + k] * dlogits[i][c];
                }
            }
        }
        try (Variable w = variable("w", w0, true, 2, 3)) {
            Map<String, HostArray> out = runOnce((ctx, in) -> {
                Tensor target = in.get("y").unsqueeze(1);
                Gradients g = ctx.valueAndGrad(() -> in.get("x").matmul(read(w)).logSoftmax(1)
                        .gather(1, target).mean().neg(), List.of(w));
                return Map.of("g", g.grads().get(0), "loss", g.value());
            }, Map.of("x", HostArray.of(x, 2, 2), "y", HostArray.of(y, 2)));
            assertValues(out.get("loss"), loss);
            assertValues(out.get("g"), grad);
        }
    }

    @Test
    void takeAlongLastDimPicksOnePerRowWithGradients() {
        // [2, 2, 3] rows, one index per row; inside a step the leading dimension is the unknown batch.
        float[] x = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.0f, 1.1f, 1.2f};
        long[] idx = {2, 0, 1, 1};
        assertF32(f(x, 2, 2, 3).takeAlongLastDim(i64(idx, 2, 2)), s(2, 2), 0.3, 0.4, 0.8, 1.1);
        assertF32(f(x, 4, 3).takeAlongLastDim(i64(new long[] {0, 2, 1, 0}, 4)), s(4), 0.1, 0.6, 0.8, 1.0);
        try (Variable w = variable("w", x, true, 2, 2, 3)) {
            Map<String, HostArray> out = runOnce((ctx, in) -> {
                Tensor[] y = new Tensor[1];
                Gradients g = ctx.valueAndGrad(() -> {
                    y[0] = read(w).mul(in.get("s")).takeAlongLastDim(in.get("i"));
                    return y[0].mul(in.get("g")).sum();
                }, List.of(w));
                return Map.of("y", y[0], "dw", g.grads().get(0));
            }, Map.of("s", HostArray.of(new float[] {2f}, 1), "i", HostArray.of(idx, 2, 2),
                    "g", HostArray.of(new float[] {1, -1, 0.5f, 3}, 2, 2)));
            assertValues(out.get("y"), 0.6, 0.8, 1.6, 2.2);
            // d/dw of sum(g * 2w[picked]) = 2g at each picked element, 0 elsewhere.
            assertValues(out.get("dw"), 0, 0, 2, -2, 0, 0, 0, 1, 0, 0, 6, 0);
        }
        assertThatThrownBy(() -> f(x, 4, 3).takeAlongLastDim(i64(new long[] {0, 1, 2}, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takeAlongLastDim")
                .hasMessageContaining("[4, 3]").hasMessageContaining("[3]");
    }

    @Test
    void gradientsDoNotAccumulateAcrossRunsOrCalls() {
        try (Variable w = variable("w", new float[] {1, 2}, true, 2);
                CompiledStep step = backend.compile("twice", Device.cpu(), (ctx, in) -> {
                    Tensor x = in.get("x");
                    Gradients first = ctx.valueAndGrad(() -> read(w).mul(x).sum(), List.of(w));
                    Gradients second = ctx.valueAndGrad(() -> read(w).square().sum(), List.of(w));
                    return Map.of("g1", first.grads().get(0), "g2", second.grads().get(0));
                })) {
            for (int run = 0; run < 3; run++) {
                Map<String, HostArray> out = step.run(Map.of("x", HostArray.of(new float[] {3, -1}, 2)));
                assertValues(out.get("g1"), 3, -1);
                assertValues(out.get("g2"), 2, 4);
            }
        }
    }

    @Test
    void gradientsForASubsetOfTrainableVariables() {
        try (Variable a = variable("a", new float[] {2}, true, 1);
                Variable b = variable("b", new float[] {3}, true, 1);
                Variable unused = variable("unused", new float[] {5, 5}, true, 2)) {
            StepFunction fn = (ctx, in) -> {
                Gradients ga = ctx.valueAndGrad(() -> read(a).mul(read(b)).sum(), List.of(a));
                Gradients gb = ctx.valueAndGrad(() -> read(a).mul(read(b)).mul(2).sum(), List.of(b));
                Gradients gu = ctx.valueAndGrad(() -> read(a).mul(read(b)).sum(), List.of(unused, a));
                return Map.of("ga", ga.grads().get(0), "gb", gb.grads().get(0),
                        "gu", gu.grads().get(0), "ga2", gu.grads().get(1));
            };
            for (int run = 0; run < 2; run++) {
                Map<String, HostArray> out = runOnce(fn, Map.of());
                assertValues(out.get("ga"), 3);
                assertValues(out.get("gb"), 4);
                assertValues(out.get("gu"), 0, 0);
                assertThat(out.get("gu").shape()).isEqualTo(Shape.of(2));
                assertValues(out.get("ga2"), 3);
            }
        }
    }

    @Test
    void detachStopsGradients() {
        try (Variable w = variable("w", new float[] {1, -2}, true, 2)) {
            Map<String, HostArray> out = runOnce((ctx, in) -> {
                Gradients g = ctx.valueAndGrad(() -> read(w).detach().mul(read(w)).sum(), List.of(w));
                return Map.of("g", g.grads().get(0));
            }, Map.of());
            assertValues(out.get("g"), 1, -2);
        }
    }

    @Test
    void sgdStepWithScalarReadOnEveryRun() {
        double[] lr = {0.5};
        try (Variable w = variable("w", new float[] {1, 2}, true, 2);
                CompiledStep step = backend.compile("sgd", Device.cpu(), (ctx, in) -> {
                    Tensor rate = ctx.scalar("lr", DType.FLOAT32, () -> lr[0]);
                    Gradients g = ctx.valueAndGrad(() -> read(w).square().sum(), List.of(w));
                    w.assign(read(w).sub(g.grads().get(0).mul(rate)).nativeTensor());
                    return Map.of("loss", g.value(), "rate", rate);
                })) {
            // w <- w - lr * 2w
            Map<String, HostArray> out = step.run(Map.of());
            assertValues(out.get("loss"), 5);
            assertValues(out.get("rate"), 0.5);
            assertValues(w.toHost(), 0, 0);
            w.load(HostArray.of(new float[] {1, 2}, 2));
            lr[0] = 0.25;
            out = step.run(Map.of());
            assertValues(out.get("rate"), 0.25);
            assertValues(w.toHost(), 0.5, 1);
            out = step.run(Map.of());
            assertValues(out.get("loss"), 1.25);
            assertValues(w.toHost(), 0.25, 0.5);
            assertThat(w.trainable()).isTrue();
        }
    }

    @Test
    void nonTrainableStateUpdatedDuringTheForwardPass() {
        // As a BatchNorm running mean: assigned inside the differentiated function, never differentiated.
        try (Variable w = variable("w", new float[] {2}, true, 1);
                Variable running = variable("running", new float[] {0}, false, 1);
                CompiledStep step = backend.compile("bn", Device.cpu(), (ctx, in) -> {
                    Gradients g = ctx.valueAndGrad(() -> {
                        Tensor y = in.get("x").mul(read(w));
                        running.assign(read(running).mul(0.5).add(y.mean(0, false).mul(0.5)).nativeTensor());
                        return y.sum();
                    }, List.of(w));
                    return Map.of("g", g.grads().get(0));
                })) {
            Map<String, HostArray> out = step.run(Map.of("x", HostArray.of(new float[] {1, 3}, 2)));
            assertValues(out.get("g"), 4);
            assertValues(running.toHost(), 2);
            out = step.run(Map.of("x", HostArray.of(new float[] {1, 3}, 2)));
            assertValues(out.get("g"), 4);
            assertValues(running.toHost(), 3);
        }
    }

    @Test
    void stepReleasesItsIntermediatesAndRejectsUnknownGradTargets() {
        try (Variable frozen = variable("frozen", new float[] {1}, false, 1)) {
            assertThatThrownBy(() -> runOnce((ctx, in) -> {
                Gradients g = ctx.valueAndGrad(() -> read(frozen).sum(), List.of(frozen));
                return Map.of("g", g.grads().get(0));
            }, Map.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("frozen");
        }
        List<Tensor> seen = new ArrayList<>();
        runOnce((ctx, in) -> {
            Tensor t = in.get("x").add(1);
            seen.add(t);
            return Map.of("y", t);
        }, Map.of("x", HostArray.of(new float[] {1}, 1)));
        // On an eager engine the step's tensors are closed once run() returns; a traced engine's
        // symbolic tensors cannot be read on the host at all. Either way reading fails.
        assertThatThrownBy(() -> seen.get(0).toHost()).isInstanceOf(IllegalStateException.class);
    }

    // ------------------------------------------------------------------ convolution and pooling
    //
    // References are direct loops over the definitions (PyTorch's NCHW cross-correlation, -inf max
    // padding, count_include_pad averages). A 1-D op is checked as the 2-D loop with a height of 1.
    // Gradients are those of sum(op(x) * g) for a fixed g, so every output position weighs differently.

    /** Deterministic, distinct-enough values (no ties inside pooling windows). */
    private static float[] wave(int n, double phase) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (Math.sin(1.7 * i + phase) * 1.5 + 0.01 * i);
        }
        return out;
    }

    private static long prod(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** A 2-D view of a 1-D or 2-D NC... shape: {N, C, H, W}. */
    private static int[] nchw(long[] shape) {
        return shape.length == 3 ? new int[] {(int) shape[0], (int) shape[1], 1, (int) shape[2]}
                : new int[] {(int) shape[0], (int) shape[1], (int) shape[2], (int) shape[3]};
    }

    private static int[] hw(int[] v, int fill) {
        return v.length == 2 ? v : new int[] {fill, v[0]};
    }

    /** out, dx and dw of a convolution, by loops. */
    private static double[][] convReference(float[] x, long[] xs, float[] w, long[] ws, int[] stride, int[] padding,
                                            int[] dilation, int groups, float[] g) {
        int[] xd = nchw(xs);
        int[] wd = nchw(ws);
        int n = xd[0], c = xd[1], h = xd[2], wi = xd[3];
        int o = wd[0], cg = wd[1], kh = wd[2], kw = wd[3];
        int[] st = hw(stride, 1), pd = hw(padding, 0), dl = hw(dilation, 1);
        int oh = (h + 2 * pd[0] - dl[0] * (kh - 1) - 1) / st[0] + 1;
        int ow = (wi + 2 * pd[1] - dl[1] * (kw - 1) - 1) / st[1] + 1;
        double[] out = new double[n * o * oh * ow];
        double[] dx = new double[x.length];
        double[] dw = new double[w.length];
        int og = o / groups;
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                int grp = oc / og;
                for (int y = 0; y < oh; y++) {
                    for (int z = 0; z < ow; z++) {
                        int oi = ((b * o + oc) * oh + y) * ow + z;
                        double acc = 0;
                        for (int ci = 0; ci < cg; ci++) {
                            int ic = grp * cg + ci;
                            for (int p = 0; p < kh; p++) {
                                for (int q = 0; q < kw; q++) {
                                    int iy = y * st[0] - pd[0] + p * dl[0];
                                    int iz = z * st[1] - pd[1] + q * dl[1];
                                    if (iy < 0 || iy >= h || iz < 0 || iz >= wi) {
                                        continue;
                                    }
                                    int xi = ((b * c + ic) * h + iy) * wi + iz;
                                    int wj = ((oc * cg + ci) * kh + p) * kw + q;
                                    acc += x[xi] * w[wj];
                                    dx[xi] += g[oi] * w[wj];
                                    dw[wj] += g[oi] * x[xi];
                                }
                            }
                        }
                        out[oi] = acc;
                    }
                }
            }
        }
        return new double[][] {out, dx, dw};
    }

    /** out and dx of max (or average, count_include_pad) pooling, by loops. */
    private static double[][] poolReference(boolean max, float[] x, long[] xs, int[] kernel, int[] stride, int[] padding, float[] g) {
        int[] xd = nchw(xs);
        int n = xd[0], c = xd[1], h = xd[2], wi = xd[3];
        int[] k = hw(kernel, 1), st = hw(stride, 1), pd = hw(padding, 0);
        int oh = (h + 2 * pd[0] - k[0]) / st[0] + 1;
        int ow = (wi + 2 * pd[1] - k[1]) / st[1] + 1;
        double[] out = new double[n * c * oh * ow];
        double[] dx = new double[x.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < oh; y++) {
                    for (int z = 0; z < ow; z++) {
                        int oi = ((b * c + ch) * oh + y) * ow + z;
                        double best = Double.NEGATIVE_INFINITY;
                        int arg = -1;
                        double sum = 0;
                        for (int p = 0; p < k[0]; p++) {
                            for (int q = 0; q < k[1]; q++) {
                                int iy = y * st[0] - pd[0] + p;
                                int iz = z * st[1] - pd[1] + q;
                                if (iy < 0 || iy >= h || iz < 0 || iz >= wi) {
                                    continue;
                                }
                                int xi = ((b * c + ch) * h + iy) * wi + iz;
                                sum += x[xi];
                                if (x[xi] > best) {
                                    best = x[xi];
                                    arg = xi;
                                }
                                if (!max) {
                                    dx[xi] += g[oi] / (k[0] * k[1]);
                                }
                            }
                        }
                        if (max) {
                            out[oi] = best;
                            dx[arg] += g[oi];
                        } else {
                            out[oi] = sum / (k[0] * k[1]);
                        }
                    }
                }
            }
        }
        return new double[][] {out, dx};
    }

    private void checkConv(long[] xs, long[] ws, int[] stride, int[] padding, int[] dilation, int groups, long[] outShape) {
        float[] x = wave((int) prod(xs), 0.3);
        float[] w = wave((int) prod(ws), 1.1);
        float[] g = wave((int) prod(outShape), 2.0);
        double[][] ref = convReference(x, xs, w, ws, stride, padding, dilation, groups, g);
        // Eagerly, outside any step.
        assertF32(f(x, xs).conv(f(w, ws), stride, padding, dilation, groups), outShape, ref[0]);
        // Values and gradients inside a compiled step (traced on graph engines).
        try (Variable xv = variable("x", x, true, xs); Variable wv = variable("w", w, true, ws)) {
            Map<String, HostArray> out = runOnce((ctx, in) -> {
                Tensor[] y = new Tensor[1];
                Gradients gr = ctx.valueAndGrad(() -> {
                    y[0] = read(xv).conv(read(wv), stride, padding, dilation, groups);
                    return y[0].mul(in.get("g")).sum();
                }, List.of(xv, wv));
                return Map.of("y", y[0], "dx", gr.grads().get(0), "dw", gr.grads().get(1));
            }, Map.of("g", HostArray.of(g, outShape)));
            assertThat(out.get("y").shape()).isEqualTo(Shape.of(outShape));
            assertValues(out.get("y"), ref[0]);
            assertValues(out.get("dx"), ref[1]);
            assertValues(out.get("dw"), ref[2]);
        }
    }

    private void checkPool(boolean max, long[] xs, int[] kernel, int[] stride, int[] padding, long[] outShape) {
        float[] x = wave((int) prod(xs), 0.7);
        float[] g = wave((int) prod(outShape), 1.9);
        double[][] ref = poolReference(max, x, xs, kernel, stride, padding, g);
        Tensor eager = max ? f(x, xs).maxPool(kernel, stride, padding) : f(x, xs).avgPool(kernel, stride, padding);
        assertF32(eager, outShape, ref[0]);
        try (Variable xv = variable("x", x, true, xs)) {
            Map<String, HostArray> out = runOnce((ctx, in) -> {
                Tensor[] y = new Tensor[1];
                Gradients gr = ctx.valueAndGrad(() -> {
                    y[0] = max ? read(xv).maxPool(kernel, stride, padding) : read(xv).avgPool(kernel, stride, padding);
                    return y[0].mul(in.get("g")).sum();
                }, List.of(xv));
                return Map.of("y", y[0], "dx", gr.grads().get(0));
            }, Map.of("g", HostArray.of(g, outShape)));
            assertValues(out.get("y"), ref[0]);
            assertValues(out.get("dx"), ref[1]);
        }
    }

    @Test
    void conv1dValuesAndGradients() {
        // Stride 2 that leaves the last input column unused, zero padding.
        checkConv(s(2, 3, 10), s(4, 3, 3), new int[] {2}, new int[] {1}, new int[] {1}, 1, s(2, 4, 5));
        // Dilation and groups.
        checkConv(s(1, 4, 9), s(2, 2, 2), new int[] {1}, new int[] {0}, new int[] {3}, 2, s(1, 2, 6));
    }

    @Test
    void conv2dValuesAndGradients() {
        checkConv(s(2, 2, 5, 5), s(3, 2, 3, 3), new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1, s(2, 3, 5, 5));
        // Rectangular kernel, unequal strides and padding, dilation, three groups.
        checkConv(s(1, 3, 7, 6), s(6, 1, 2, 3), new int[] {2, 1}, new int[] {1, 0}, new int[] {2, 1}, 3, s(1, 6, 4, 4));
    }

    @Test
    void maxPoolValuesAndGradients() {
        checkPool(true, s(2, 2, 6, 6), new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, s(2, 2, 3, 3));
        // Overlapping windows with -inf padding.
        checkPool(true, s(1, 2, 5, 4), new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 1}, s(1, 2, 3, 5));
        checkPool(true, s(2, 3, 7), new int[] {3}, new int[] {2}, new int[] {1}, s(2, 3, 4));
    }

    @Test
    void avgPoolValuesAndGradientsCountPadding() {
        checkPool(false, s(2, 2, 4, 6), new int[] {2, 3}, new int[] {2, 3}, new int[] {0, 0}, s(2, 2, 2, 2));
        // Padded windows divide by the full kernel size (count_include_pad=True).
        checkPool(false, s(1, 2, 5, 5), new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, s(1, 2, 3, 3));
        checkPool(false, s(2, 1, 8), new int[] {4}, new int[] {3}, new int[] {2}, s(2, 1, 3));
    }

    @Test
    void convAndPoolArgumentErrorsNameOpAndShapes() {
        Tensor x = f(new float[2 * 3 * 5 * 5], 2, 3, 5, 5);
        assertThatThrownBy(() -> x.conv(f(new float[4 * 2 * 3 * 3], 4, 2, 3, 3), new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d").hasMessageContaining("[2, 3, 5, 5]").hasMessageContaining("[4, 2, 3, 3]")
                .hasMessageContaining("expects 2");
        assertThatThrownBy(() -> x.conv(f(new float[4 * 3 * 7 * 7], 4, 3, 7, 7), new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too small");
        assertThatThrownBy(() -> x.maxPool(new int[] {2, 2}, new int[] {2, 2}, new int[] {2, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPool2d").hasMessageContaining("half");
        assertThatThrownBy(() -> f(new float[6], 2, 3).avgPool(new int[] {2}, new int[] {2}, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[N, C, H, W]");
    }

    private static float[] scaled(float[] v, float factor) {
        float[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= factor;
        }
        return out;
    }

    private static float[] toFloat(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    /** Adds a per-channel bias to an NCHW (or NCL) array in place. */
    private static void addPerChannel(double[] y, long[] shape, float[] bias) {
        int[] d = nchw(shape);
        int plane = d[2] * d[3];
        for (int i = 0; i < y.length; i++) {
            y[i] += bias[(i / plane) % d[1]];
        }
    }

    /** The gradient of a per-channel bias: the upstream gradient summed over batch and space. */
    private static double[] sumPerChannel(double[] g, long[] shape) {
        int[] d = nchw(shape);
        int plane = d[2] * d[3];
        double[] out = new double[d[1]];
        for (int i = 0; i < g.length; i++) {
            out[(i / plane) % d[1]] += g[i];
        }
        return out;
    }

    /**
     * conv(+bias) -> ReLU -> max pool -> conv(+bias), values and all five gradients inside a step: the
     * chain a CNN is made of, where an engine may keep its own layout between ops (TensorFlow stays in
     * NHWC from the first conv to the last and uses SAME padding where it equals torch's).
     */
    @Test
    void convBiasReluPoolConvChainValuesAndGradients() {
        long[] xs = s(2, 2, 6, 5);
        long[] w1s = s(3, 2, 3, 3);
        long[] w2s = s(4, 3, 3, 3);
        long[] ys = s(2, 3, 6, 5);
        long[] outShape = s(2, 4, 6, 5);
        int[] one = {1, 1};
        float[] x = wave((int) prod(xs), 0.3);
        // Small weights keep the sums of 27 products near 1, where float32 rounding stays within the tolerance.
        float[] w1 = scaled(wave((int) prod(w1s), 1.1), 0.2f);
        float[] b1 = {0.2f, -0.4f, 0.1f};
        float[] w2 = scaled(wave((int) prod(w2s), 0.5), 0.2f);
        float[] b2 = {-0.3f, 0.25f, 0.05f, 0.6f};
        float[] g = wave((int) prod(outShape), 2.0);
        // Forward by loops: y1 = conv(x) + b1, a1 = relu(y1), p1 = maxpool 3x3 stride 1 pad 1, out = conv(p1) + b2.
        double[] y1 = convReference(x, xs, w1, w1s, one, one, one, 1, new float[(int) prod(ys)])[0];
        addPerChannel(y1, ys, b1);
        float[] a1 = toFloat(map(y1, v -> Math.max(v, 0)));
        float[] p1 = toFloat(poolReference(true, a1, ys, new int[] {3, 3}, one, one, new float[a1.length])[0]);
        double[][] second = convReference(p1, ys, w2, w2s, one, one, one, 1, g);
        double[] out = second[0].clone();
        addPerChannel(out, outShape, b2);
        // Backward by loops.
        double[] dy1 = poolReference(true, a1, ys, new int[] {3, 3}, one, one, toFloat(second[1]))[1];
        for (int i = 0; i < dy1.length; i++) {
            dy1[i] = y1[i] > 0 ? dy1[i] : 0;
        }
        double[][] first = convReference(x, xs, w1, w1s, one, one, one, 1, toFloat(dy1));
        try (Variable xv = variable("x", x, true, xs); Variable w1v = variable("w1", w1, true, w1s);
             Variable b1v = variable("b1", b1, true, 3); Variable w2v = variable("w2", w2, true, w2s);
             Variable b2v = variable("b2", b2, true, 4)) {
            Map<String, HostArray> res = runOnce((ctx, in) -> {
                Tensor[] y = new Tensor[1];
                Gradients gr = ctx.valueAndGrad(() -> {
                    Tensor h = read(xv).conv(read(w1v), read(b1v), one, one, one, 1).relu();
                    h = h.maxPool(new int[] {3, 3}, one, one);
                    y[0] = h.conv(read(w2v), read(b2v), one, one, one, 1);
                    return y[0].mul(in.get("g")).sum();
                }, List.of(xv, w1v, b1v, w2v, b2v));
                return Map.of("y", y[0], "dx", gr.grads().get(0), "dw1", gr.grads().get(1), "db1", gr.grads().get(2),
                        "dw2", gr.grads().get(3), "db2", gr.grads().get(4));
            }, Map.of("g", HostArray.of(g, outShape)));
            assertThat(res.get("y").shape()).isEqualTo(Shape.of(outShape));
            assertValues(res.get("y"), out);
            assertValues(res.get("db2"), sumPerChannel(toDouble(g), outShape));
            assertValues(res.get("dw2"), second[2]);
            assertValues(res.get("db1"), sumPerChannel(dy1, ys));
            assertValues(res.get("dw1"), first[2]);
            assertValues(res.get("dx"), first[1]);
        }
    }

    @Test
    void conv1dWithBiasMatchesConvPlusBias() {
        long[] xs = s(2, 3, 8);
        long[] ws = s(2, 3, 3);
        float[] x = wave((int) prod(xs), 0.9);
        float[] w = wave((int) prod(ws), 0.2);
        float[] b = {0.5f, -1.25f};
        double[] ref = convReference(x, xs, w, ws, new int[] {1}, new int[] {1}, new int[] {1}, 1, new float[2 * 2 * 8])[0];
        addPerChannel(ref, s(2, 2, 8), b);
        assertF32(f(x, xs).conv(f(w, ws), vec(b), new int[] {1}, new int[] {1}, new int[] {1}, 1), s(2, 2, 8), ref);
        assertThatThrownBy(() -> f(x, xs).conv(f(w, ws), vec(1, 2, 3), new int[] {1}, new int[] {1}, new int[] {1}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv1d").hasMessageContaining("bias")
                .hasMessageContaining("[3]");
    }

    /** linear of {@code [rows, in]} by loops: out, dx, dw, db for the upstream gradient g. */
    private static double[][] linearReference(float[] x, int rows, int in, float[] w, int out, float[] b, float[] g) {
        double[] y = new double[rows * out];
        double[] dx = new double[rows * in];
        double[] dw = new double[out * in];
        double[] db = new double[out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double acc = b[o];
                double go = g[r * out + o];
                db[o] += go;
                for (int i = 0; i < in; i++) {
                    acc += x[r * in + i] * w[o * in + i];
                    dx[r * in + i] += go * w[o * in + i];
                    dw[o * in + i] += go * x[r * in + i];
                }
                y[r * out + o] = acc;
            }
        }
        return new double[][] {y, dx, dw, db};
    }

    @Test
    void linearValuesAndGradientsForRank2And3Inputs() {
        float[] w = wave(4 * 3, 0.4);
        float[] b = {0.1f, -0.2f, 0.3f, 0.05f};
        for (long[] xs : List.of(s(5, 3), s(2, 3, 3))) {
            int rows = (int) (prod(xs) / 3);
            long[] ys = xs.clone();
            ys[ys.length - 1] = 4;
            float[] x = wave((int) prod(xs), 1.3);
            float[] g = wave(rows * 4, 0.8);
            double[][] ref = linearReference(x, rows, 3, w, 4, b, g);
            try (Variable xv = variable("x", x, true, xs); Variable wv = variable("w", w, true, 4, 3);
                 Variable bv = variable("b", b, true, 4)) {
                Map<String, HostArray> res = runOnce((ctx, in) -> {
                    Tensor[] y = new Tensor[1];
                    Gradients gr = ctx.valueAndGrad(() -> {
                        y[0] = read(xv).linear(read(wv), read(bv));
                        return y[0].mul(in.get("g")).sum();
                    }, List.of(xv, wv, bv));
                    return Map.of("y", y[0], "dx", gr.grads().get(0), "dw", gr.grads().get(1), "db", gr.grads().get(2));
                }, Map.of("g", HostArray.of(g, ys)));
                assertThat(res.get("y").shape()).as("shape for input %s", Arrays.toString(xs)).isEqualTo(Shape.of(ys));
                assertValues(res.get("y"), ref[0]);
                assertValues(res.get("dx"), ref[1]);
                assertValues(res.get("dw"), ref[2]);
                assertValues(res.get("db"), ref[3]);
            }
        }
        // Without bias, and a rank-1 input, eagerly.
        double[] noBias = linearReference(new float[] {1, 2, 3}, 1, 3, w, 4, new float[4], new float[4])[0];
        assertF32(vec(1, 2, 3).linear(f(w, 4, 3), null), s(4), noBias);
        assertThatThrownBy(() -> vec(1, 2).linear(f(w, 4, 3), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linear").hasMessageContaining("expects 3");
    }

    /**
     * The fused Adam kernel, run as an optimizer runs it (inside a compiled step, three runs of one
     * step, per-run scalars), against torch's Adam and AdamW formulas computed here in double.
     */
    @Test
    void fusedAdamStepMatchesTorchsFormula() {
        assumeTrue(backend.kernels() instanceof FusedOptimizerKernels, "the backend has no fused optimizer kernels");
        FusedOptimizerKernels fused = (FusedOptimizerKernels) backend.kernels();
        double lr = 0.1, beta1 = 0.8, beta2 = 0.9, eps = 1e-3, weightDecay = 0.5;
        for (boolean decoupled : new boolean[] {false, true}) {
            float[] p0 = wave(6, 0.1);
            double[] p = toDouble(p0);
            double[] m = new double[6];
            double[] v = new double[6];
            long[] t = {0};
            try (Variable pv = variable("p", p0, true, 2, 3); Variable mv = variable("m", new float[6], false, 2, 3);
                 Variable vv = variable("v", new float[6], false, 2, 3);
                 CompiledStep step = backend.compile("adam", Device.cpu(), (ctx, in) -> {
                     assertThat(fused.fusesAdam(pv)).as("fusesAdam for a float32 parameter inside a step").isTrue();
                     java.util.function.DoubleSupplier bc1 = () -> 1 - Math.pow(beta1, t[0]);
                     java.util.function.DoubleSupplier bc2 = () -> 1 - Math.pow(beta2, t[0]);
                     java.util.function.DoubleSupplier lrC = () -> lr * Math.sqrt(bc2.getAsDouble()) / bc1.getAsDouble();
                     java.util.function.DoubleSupplier epsC = () -> eps * Math.sqrt(bc2.getAsDouble());
                     java.util.function.DoubleSupplier b1 = () -> beta1;
                     java.util.function.DoubleSupplier b2 = () -> beta2;
                     java.util.function.DoubleSupplier decay = () -> 1 - lr * weightDecay;
                     FusedOptimizerKernels.AdamScalars sc = new FusedOptimizerKernels.AdamScalars(
                             runScalar(ctx, "lr", lrC), runScalar(ctx, "b1", b1), runScalar(ctx, "b2", b2),
                             runScalar(ctx, "eps", epsC), decoupled ? runScalar(ctx, "decay", decay) : null);
                     fused.adamStep(pv, mv, vv, in.get("g").nativeTensor(), sc);
                     return Map.of();
                 })) {
                for (int k = 1; k <= 3; k++) {
                    t[0] = k;
                    float[] g = wave(6, 1.0 + k);
                    step.run(Map.of("g", HostArray.of(g, 2, 3)));
                    double bc1 = 1 - Math.pow(beta1, k);
                    double bc2 = 1 - Math.pow(beta2, k);
                    for (int i = 0; i < 6; i++) {
                        if (decoupled) {
                            p[i] *= 1 - lr * weightDecay;
                        }
                        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                        p[i] -= lr / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps);
                    }
                }
                assertValues(mv.toHost(), m);
                assertValues(vv.toHost(), v);
                assertValues(pv.toHost(), p);
            }
        }
    }

    private static FusedOptimizerKernels.RunScalar runScalar(dev.lightning4j.backend.StepContext ctx, String key,
                                                              java.util.function.DoubleSupplier value) {
        Tensor t = ctx.scalar(key, DType.FLOAT32, value);
        return new FusedOptimizerKernels.RunScalar(t::nativeTensor, value);
    }

    @Test
    void toleranceHelperRejectsWrongValues() {
        assertThatThrownBy(() -> assertValues(HostArray.of(new float[] {1f}, 1), 1.001))
                .isInstanceOf(AssertionError.class);
        assertValues(HostArray.of(new float[] {1f}, 1), 1.000001);
    }
}
