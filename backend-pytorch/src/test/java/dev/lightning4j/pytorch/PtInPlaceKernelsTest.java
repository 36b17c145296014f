package dev.lightning4j.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lightning4j.backend.InPlaceKernels;
import dev.lightning4j.backend.Kernels.BinaryOp;
import dev.lightning4j.backend.TensorScope;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The in-place ops the optimizers use on PyTorch: the same bits as the out-of-place ops. */
@SuppressWarnings("try")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PtInPlaceKernelsTest {
    private PyTorchBackend backend;

    @BeforeAll
    void create() {
        backend = new PyTorchBackend();
    }

    @AfterAll
    void close() {
        backend.close();
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void inPlaceOpsGiveTheOutOfPlaceBitsOnTemporariesAndVariables() {
        InPlaceKernels k = (InPlaceKernels) backend.kernels();
        float[] a = random(1000, 1);
        float[] b = random(1000, 2);
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV}) {
            try (TensorScope s = backend.newScope()) {
                Tensor x = backend.tensor(a, 10, 100);
                Tensor y = backend.tensor(b, 10, 100);
                Tensor scalar = backend.tensor(HostArray.of(new float[] {0.3f}));
                float[] expected = Tensor.wrap(backend, backend.kernels().binary(op, x.nativeTensor(), y.nativeTensor()))
                        .toFloatArray();
                Tensor target = x.mul(1.0); // a temporary of our own
                k.binaryInPlace(op, target.nativeTensor(), y.nativeTensor());
                assertThat(target.toFloatArray()).as(op.name()).containsExactly(expected);

                // A variable's value, updated in place, with a 0-d operand.
                try (Variable v = backend.newVariable("w", HostArray.of(a, 10, 100), true, Device.cpu())) {
                    float[] expectedScalar = Tensor.wrap(backend, backend.kernels().binary(op, v.read(),
                            backend.kernels().scalar(0.3, dev.lightning4j.tensor.DType.FLOAT32, Device.cpu()))).toFloatArray();
                    k.binaryInPlace(op, v.read(), backend.kernels().scalar(0.3, dev.lightning4j.tensor.DType.FLOAT32,
                            Device.cpu()));
                    assertThat(v.toHost().toFloatArray()).as(op.name() + " on a variable").containsExactly(expectedScalar);
                }
                assertThat(scalar.rank()).isZero();
            }
        }
    }

    @Test
    void anOperandThatWouldBroadcastTheTargetIsRejected() {
        InPlaceKernels k = (InPlaceKernels) backend.kernels();
        try (TensorScope s = backend.newScope()) {
            Tensor x = backend.tensor(new float[] {1, 2}, 2, 1);
            Tensor y = backend.tensor(new float[] {1, 2, 3}, 1, 3);
            assertThatThrownBy(() -> k.binaryInPlace(BinaryOp.ADD, x.nativeTensor(), y.nativeTensor()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("binaryInPlace");
        }
    }
}
