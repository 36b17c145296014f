package dev.lightning4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import dev.lightning4j.tensor.WindowShapes;
import org.junit.jupiter.api.Test;

/** Host-only checks of the convolution, pooling, normalisation, embedding and recurrent layers. */
class ConvNormRecurrentLayersTest {

    private static void assertWithin(HostArray values, double bound) {
        for (float v : values.toFloatArray()) {
            assertThat(Math.abs(v)).isLessThanOrEqualTo((float) bound);
        }
    }

    /** The largest |value|, to check that a bound is not only respected but used. */
    private static double maxAbs(HostArray values) {
        double m = 0;
        for (float v : values.toFloatArray()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void conv1dParametersFollowPyTorch() {
        Conv1d c = new Conv1d(3, 4, 5, 2, 1, 1, 1, true, new Generator(1));
        assertThat(c.namedParameters()).containsOnlyKeys("weight", "bias");
        assertThat(c.weight().shape()).isEqualTo(Shape.of(4, 3, 5));
        assertThat(c.bias().shape()).isEqualTo(Shape.of(4));
        double bound = 1 / Math.sqrt(3 * 5);
        assertWithin(c.weight().data(), bound);
        assertWithin(c.bias().data(), bound);
        assertThat(maxAbs(c.weight().data())).isGreaterThan(bound * 0.7);
        assertThat(c.toString()).isEqualTo("Conv1d(3, 4, kernel_size=(5,), stride=(2,), padding=(1,))");
        assertThat(new Conv1d(3, 4, 5, 1, 0, 1, 1, false, new Generator(1)).namedParameters()).containsOnlyKeys("weight");
    }

    @Test
    void conv2dWithGroupsUsesFanInPerGroup() {
        Conv2d c = new Conv2d(4, 6, new int[] {3, 2}, new int[] {1}, new int[] {1, 0}, new int[] {2}, 2, true, new Generator(2));
        assertThat(c.weight().shape()).isEqualTo(Shape.of(6, 2, 3, 2));
        double bound = 1 / Math.sqrt(2 * 3 * 2);
        assertWithin(c.weight().data(), bound);
        assertWithin(c.bias().data(), bound);
        assertThat(c.stride()).containsExactly(1, 1);
        assertThat(c.dilation()).containsExactly(2, 2);
        assertThat(c.toString()).isEqualTo("Conv2d(4, 6, kernel_size=(3, 2), stride=(1, 1), padding=(1, 0), dilation=(2, 2), groups=2)");
        // Same generator seed, same weights: initialisation is reproducible across engines.
        Conv2d again = new Conv2d(4, 6, new int[] {3, 2}, new int[] {1}, new int[] {1, 0}, new int[] {2}, 2, true, new Generator(2));
        assertThat(again.stateDict()).isEqualTo(c.stateDict());
    }

    @Test
    void convArgumentErrorsNameTheLayer() {
        assertThatThrownBy(() -> new Conv2d(3, 4, new int[] {3}, new int[] {1}, new int[] {0}, new int[] {1}, 2, true, new Generator(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Conv2d").hasMessageContaining("groups=2")
                .hasMessageContaining("inChannels=3");
        assertThatThrownBy(() -> new Conv2d(3, 4, new int[] {3, 3, 3}, new int[] {1}, new int[] {0}, new int[] {1}, 1, true,
                new Generator(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Conv2d").hasMessageContaining("kernelSize")
                .hasMessageContaining("[3, 3, 3]");
        assertThatThrownBy(() -> new Conv1d(0, 4, 3)).hasMessageContaining("Conv1d").hasMessageContaining("in=0");
        assertThatThrownBy(() -> new Conv1d(2, 4, 3, 0, 0)).hasMessageContaining("Conv1d").hasMessageContaining("stride=[0]");
    }

    @Test
    void windowShapesComputeSizesAndExplainErrors() {
        assertThat(WindowShapes.convOutput("conv2d", Shape.of(2, 3, 32, 32), Shape.of(8, 3, 3, 3), new int[] {2, 2},
                new int[] {1, 1}, new int[] {1, 1}, 1)).isEqualTo(Shape.of(2, 8, 16, 16));
        assertThat(WindowShapes.convOutput("conv1d", Shape.of(Shape.UNKNOWN, 4, 9), Shape.of(2, 2, 2), new int[] {1},
                new int[] {0}, new int[] {3}, 2)).isEqualTo(Shape.of(Shape.UNKNOWN, 2, 6));
        assertThat(WindowShapes.poolOutput("maxPool2d", Shape.of(1, 2, 5, 4), new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 1}))
                .isEqualTo(Shape.of(1, 2, 3, 5));
        assertThatThrownBy(() -> WindowShapes.convOutput("conv2d", Shape.of(2, 5, 8, 8), Shape.of(8, 3, 3, 3), new int[] {1, 1},
                new int[] {0, 0}, new int[] {1, 1}, 1))
                .hasMessageContaining("conv2d").hasMessageContaining("[2, 5, 8, 8]").hasMessageContaining("5 channels")
                .hasMessageContaining("expects 3");
        assertThatThrownBy(() -> WindowShapes.convOutput("conv2d", Shape.of(2, 4, 8, 8), Shape.of(6, 2, 3, 3), new int[] {1, 1},
                new int[] {0, 0}, new int[] {1, 1}, 4))
                .hasMessageContaining("out_channels 6").hasMessageContaining("groups 4");
        assertThatThrownBy(() -> WindowShapes.convOutput("conv1d", Shape.of(1, 1, 4), Shape.of(1, 1, 3), new int[] {1},
                new int[] {0}, new int[] {2}, 1))
                .hasMessageContaining("too small").hasMessageContaining("spans 5").hasMessageContaining("dilation 2");
        assertThatThrownBy(() -> WindowShapes.convOutput("conv2d", Shape.of(1, 1, 4, 4), Shape.of(1, 1, 3), new int[] {1, 1},
                new int[] {0, 0}, new int[] {1, 1}, 1))
                .hasMessageContaining("weight must have shape");
        assertThatThrownBy(() -> WindowShapes.poolOutput("avgPool2d", Shape.of(1, 1, 4, 4), new int[] {2, 2}, new int[] {2, 2},
                new int[] {2, 0}))
                .hasMessageContaining("avgPool2d").hasMessageContaining("half");
        assertThatThrownBy(() -> WindowShapes.perDim("Conv2d", "stride", new int[] {1, 2, 3}, 2))
                .hasMessageContaining("stride").hasMessageContaining("1 or 2 values");
        assertThatThrownBy(() -> WindowShapes.spatialDims("maxPool", Shape.of(3, 4))).hasMessageContaining("[N, C, H, W]");
    }

    @Test
    void poolingDefaultsAndErrors() {
        MaxPool2d m = new MaxPool2d(3);
        assertThat(m.kernelSize()).containsExactly(3, 3);
        assertThat(m.stride()).containsExactly(3, 3);
        assertThat(m.padding()).containsExactly(0, 0);
        assertThat(m.namedState()).isEmpty();
        assertThat(new AvgPool1d(4).stride()).containsExactly(4);
        assertThat(new MaxPool1d(3, 1, 1).toString()).isEqualTo("MaxPool1d(kernel_size=(3,), stride=(1,), padding=(1,))");
        assertThatThrownBy(() -> new MaxPool2d(2, 2, 2)).hasMessageContaining("MaxPool2d").hasMessageContaining("half");
        assertThatThrownBy(() -> new AvgPool2d(new int[] {2, 2, 2}, null, new int[] {0}))
                .hasMessageContaining("AvgPool2d").hasMessageContaining("kernelSize");
        assertThatThrownBy(() -> new AdaptiveAvgPool2d(0)).hasMessageContaining("AdaptiveAvgPool2d");
        assertThat(new AdaptiveAvgPool2d(2, 3).outputSize()).containsExactly(2, 3);
    }

    @Test
    void batchNormStateFollowsPyTorch() {
        BatchNorm2d bn = new BatchNorm2d(3);
        assertThat(bn.stateDict().keySet()).containsExactly("weight", "bias", "running_mean", "running_var", "num_batches_tracked");
        assertThat(bn.namedParameters()).containsOnlyKeys("weight", "bias");
        assertThat(bn.namedBuffers()).containsOnlyKeys("running_mean", "running_var", "num_batches_tracked");
        assertThat(bn.weight().data().toFloatArray()).containsExactly(1f, 1f, 1f);
        assertThat(bn.bias().data().toFloatArray()).containsExactly(0f, 0f, 0f);
        assertThat(bn.runningMean().data().toFloatArray()).containsExactly(0f, 0f, 0f);
        assertThat(bn.runningVar().data().toFloatArray()).containsExactly(1f, 1f, 1f);
        Parameter tracked = bn.numBatchesTracked();
        assertThat(tracked.dtype()).isEqualTo(DType.INT64);
        assertThat(tracked.shape()).isEqualTo(Shape.scalar());
        assertThat(tracked.requiresGrad()).isFalse();
        assertThat(bn.momentum()).isEqualTo(0.1);
        assertThat(bn.eps()).isEqualTo(1e-5);

        BatchNorm1d plain = new BatchNorm1d(4, 1e-3, null, false, false);
        assertThat(plain.namedState()).isEmpty();
        assertThat(plain.momentum()).isNull();
        assertThatThrownBy(() -> new BatchNorm2d(3, 1e-5, 1.5, true, true)).hasMessageContaining("BatchNorm2d")
                .hasMessageContaining("momentum");
        assertThatThrownBy(() -> new BatchNorm1d(0)).hasMessageContaining("BatchNorm1d").hasMessageContaining("numFeatures");
    }

    @Test
    void layerNormAndEmbedding() {
        LayerNorm ln = new LayerNorm(new long[] {2, 5}, 1e-6, true);
        assertThat(ln.stateDict().keySet()).containsExactly("weight", "bias");
        assertThat(ln.weight().shape()).isEqualTo(Shape.of(2, 5));
        assertThat(new LayerNorm(new long[] {5}, 1e-5, false).namedState()).isEmpty();
        assertThatThrownBy(() -> new LayerNorm(new long[0], 1e-5, true)).hasMessageContaining("LayerNorm");

        Embedding e = new Embedding(200, 50, new Generator(4));
        assertThat(e.weight().shape()).isEqualTo(Shape.of(200, 50));
        double sum = 0;
        double sq = 0;
        float[] v = e.weight().data().toFloatArray();
        for (float f : v) {
            sum += f;
            sq += f * f;
        }
        double mean = sum / v.length;
        double std = Math.sqrt(sq / v.length - mean * mean);
        assertThat(mean).isBetween(-0.05, 0.05); // N(0, 1): 10,000 draws
        assertThat(std).isBetween(0.95, 1.05);
        assertThatThrownBy(() -> new Embedding(0, 3)).hasMessageContaining("Embedding");
    }

    @Test
    void lstmParametersFollowPyTorch() {
        LSTM lstm = new LSTM(3, 4, 2, true, true, 0, new Generator(5));
        assertThat(lstm.stateDict().keySet()).containsExactly(
                "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1");
        assertThat(lstm.stateDict().get("weight_ih_l0").shape()).isEqualTo(Shape.of(16, 3));
        assertThat(lstm.stateDict().get("weight_hh_l0").shape()).isEqualTo(Shape.of(16, 4));
        assertThat(lstm.stateDict().get("weight_ih_l1").shape()).isEqualTo(Shape.of(16, 4));
        assertThat(lstm.stateDict().get("bias_hh_l1").shape()).isEqualTo(Shape.of(16));
        lstm.stateDict().values().forEach(p -> assertWithin(p, 0.5)); // 1/sqrt(hidden)
        assertThat(lstm.toString()).isEqualTo("LSTM(3, 4, num_layers=2, batch_first=True)");
        assertThat(new LSTM(3, 4, 1, false, false, 0, new Generator(5)).stateDict().keySet())
                .containsExactly("weight_ih_l0", "weight_hh_l0");
    }

    @Test
    void gruParametersAndErrors() {
        GRU gru = new GRU(3, 9, 1, true, true, 0, new Generator(6));
        assertThat(gru.stateDict().keySet()).containsExactly("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0");
        assertThat(gru.stateDict().get("weight_ih_l0").shape()).isEqualTo(Shape.of(27, 3));
        assertThat(gru.stateDict().get("weight_hh_l0").shape()).isEqualTo(Shape.of(27, 9));
        gru.stateDict().values().forEach(p -> assertWithin(p, 1 / 3.0));
        assertThat(maxAbs(gru.stateDict().get("weight_hh_l0"))).isGreaterThan(0.3);
        assertThatThrownBy(() -> new GRU(3, 0)).hasMessageContaining("GRU").hasMessageContaining("hiddenSize=0");
        assertThatThrownBy(() -> new LSTM(3, 4, 1, true, true, 1.5, new Generator(0))).hasMessageContaining("LSTM")
                .hasMessageContaining("dropout");
    }
}
