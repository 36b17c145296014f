package dev.lightning4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lightning4j.nn.init.Init;
import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import org.junit.jupiter.api.Test;

class InitTest {

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double variance(float[] v) {
        double m = mean(v);
        double s = 0;
        for (float x : v) {
            s += (x - m) * (x - m);
        }
        return s / v.length;
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    @Test
    void fansFollowPyTorch() {
        assertThat(Init.fans(Shape.of(8, 4))).isEqualTo(new Init.Fans(4, 8));
        assertThat(Init.fans(Shape.of(16, 3, 5, 5))).isEqualTo(new Init.Fans(75, 400));
        assertThatThrownBy(() -> Init.fans(Shape.of(7)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[7]").hasMessageContaining("rank >= 2");
    }

    @Test
    void gains() {
        assertThat(Init.calculateGain("relu")).isEqualTo(Math.sqrt(2));
        assertThat(Init.calculateGain("tanh")).isEqualTo(5.0 / 3);
        assertThat(Init.calculateGain("leaky_relu", Math.sqrt(5))).isCloseTo(Math.sqrt(1.0 / 3), within(1e-15));
        assertThatThrownBy(() -> Init.calculateGain("swish")).hasMessageContaining("swish");
    }

    @Test
    void kaimingUniformWithSqrt5HasBoundOneOverSqrtFanIn() {
        HostArray w = Init.kaimingUniform(Shape.of(200, 50), Math.sqrt(5), new Generator(1));
        float[] v = w.toFloatArray();
        double bound = 1 / Math.sqrt(50);
        assertThat(w.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(w.shape()).isEqualTo(Shape.of(200, 50));
        assertThat(maxAbs(v)).isLessThanOrEqualTo(bound + 1e-7).isGreaterThan(0.98 * bound);
        assertThat(mean(v)).isCloseTo(0, within(0.01 * bound * 3));
        // U(-b, b) has variance b^2 / 3; 10,000 samples give a relative standard error near 1.1%.
        assertThat(variance(v)).isCloseTo(bound * bound / 3, within(0.05 * bound * bound / 3));
    }

    @Test
    void kaimingUniformForReluUsesGainSqrt2() {
        float[] v = Init.kaimingUniform(Shape.of(100, 30), 0, Init.FanMode.FAN_IN, "relu", new Generator(2)).toFloatArray();
        double bound = Math.sqrt(2) * Math.sqrt(3.0 / 30);
        assertThat(maxAbs(v)).isLessThanOrEqualTo(bound + 1e-7).isGreaterThan(0.97 * bound);
    }

    @Test
    void kaimingNormalStatistics() {
        float[] v = Init.kaimingNormal(Shape.of(300, 40), 0, Init.FanMode.FAN_OUT, "relu", new Generator(3)).toFloatArray();
        double std = Math.sqrt(2.0 / 300);
        assertThat(mean(v)).isCloseTo(0, within(0.05 * std));
        assertThat(Math.sqrt(variance(v))).isCloseTo(std, within(0.03 * std));
    }

    @Test
    void xavierUniformBoundAndVariance() {
        float[] v = Init.xavierUniform(Shape.of(120, 80), 1.0, new Generator(4)).toFloatArray();
        double bound = Math.sqrt(6.0 / 200);
        assertThat(maxAbs(v)).isLessThanOrEqualTo(bound + 1e-7).isGreaterThan(0.98 * bound);
        assertThat(variance(v)).isCloseTo(bound * bound / 3, within(0.05 * bound * bound / 3));
        float[] glorot = Init.glorotUniform(Shape.of(120, 80), 1.0, new Generator(4)).toFloatArray();
        assertThat(glorot).containsExactly(v);
    }

    @Test
    void xavierNormalStatistics() {
        float[] v = Init.xavierNormal(Shape.of(150, 50), 2.0, new Generator(5)).toFloatArray();
        double std = 2.0 * Math.sqrt(2.0 / 200);
        assertThat(Math.sqrt(variance(v))).isCloseTo(std, within(0.03 * std));
    }

    @Test
    void uniformNormalAndConstants() {
        float[] u = Init.uniform(Shape.of(5000), 2, 3, new Generator(6)).toFloatArray();
        for (float x : u) {
            assertThat(x).isBetween(2f, 3f);
        }
        assertThat(mean(u)).isCloseTo(2.5, within(0.02));
        float[] n = Init.normal(Shape.of(20000), 1.5, 0.5, new Generator(7)).toFloatArray();
        assertThat(mean(n)).isCloseTo(1.5, within(0.02));
        assertThat(Math.sqrt(variance(n))).isCloseTo(0.5, within(0.01));
        assertThat(Init.zeros(Shape.of(2, 3)).toFloatArray()).containsOnly(0f).hasSize(6);
        assertThat(Init.ones(Shape.of(4)).toFloatArray()).containsOnly(1f).hasSize(4);
        assertThat(Init.constant(Shape.of(2), 0.25).toFloatArray()).containsExactly(0.25f, 0.25f);
        assertThatThrownBy(() -> Init.uniform(Shape.of(2), 1, 0, new Generator(1))).hasMessageContaining("low 1.0");
        assertThatThrownBy(() -> Init.normal(Shape.of(2), 0, -1, new Generator(1))).hasMessageContaining("std");
    }

    @Test
    void sameSeedSameValues() {
        float[] a = Init.kaimingUniform(Shape.of(6, 7), Math.sqrt(5), new Generator(42)).toFloatArray();
        float[] b = Init.kaimingUniform(Shape.of(6, 7), Math.sqrt(5), new Generator(42)).toFloatArray();
        float[] c = Init.kaimingUniform(Shape.of(6, 7), Math.sqrt(5), new Generator(43)).toFloatArray();
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }
}
