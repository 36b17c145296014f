package dev.lightning4j.nn.init;

import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import java.util.Arrays;
import java.util.Locale;

/**
 * Initial values for parameters, drawn on the host as {@code torch.nn.init} defines them. Every
 * method returns a float32 {@link HostArray}; values come from the given {@link Generator} (or the
 * {@linkplain Generator#defaultGenerator() default one}), so the same seed gives the same weights on
 * every engine.
 *
 * <p>Fans follow PyTorch: for a tensor of shape {@code [out, in, k...]}, {@code fan_in = in * prod(k)}
 * and {@code fan_out = out * prod(k)}.
 */
public final class Init {

    /** Which fan {@link #kaimingUniform} and {@link #kaimingNormal} scale by. */
    public enum FanMode {
        /** Preserves the variance of activations in the forward pass (PyTorch's default). */
        FAN_IN,
        /** Preserves the variance of gradients in the backward pass. */
        FAN_OUT
    }

    /**
     * The fans of a weight shape.
     *
     * @param fanIn  inputs per output unit
     * @param fanOut outputs per input unit
     */
    public record Fans(long fanIn, long fanOut) {
    }

    private Init() {
    }

    /**
     * {@code torch.nn.init._calculate_fan_in_and_fan_out}.
     *
     * @throws IllegalArgumentException for shapes of rank below 2 or with unknown dimensions
     */
    public static Fans fans(Shape shape) {
        if (shape.rank() < 2) {
            throw new IllegalArgumentException("Init: fan in and fan out cannot be computed for a tensor of shape "
                    + shape + "; expected rank >= 2 such as [out, in] or [out, in, k...]");
        }
        requireKnown("fans", shape);
        long receptive = 1;
        for (int i = 2; i < shape.rank(); i++) {
            receptive *= shape.get(i);
        }
        return new Fans(shape.get(1) * receptive, shape.get(0) * receptive);
    }

    /**
     * {@code torch.nn.init.calculate_gain}: the recommended gain for a nonlinearity ({@code linear},
     * {@code conv1d}, {@code conv2d}, {@code conv3d}, {@code sigmoid}, {@code tanh}, {@code relu},
     * {@code leaky_relu} with negative slope {@code param}, {@code selu}).
     */
    public static double calculateGain(String nonlinearity, double param) {
        String n = nonlinearity.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "linear", "identity", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                    "conv_transpose3d", "sigmoid" -> 1.0;
            case "tanh" -> 5.0 / 3.0;
            case "relu" -> Math.sqrt(2.0);
            case "leaky_relu" -> Math.sqrt(2.0 / (1 + param * param));
            case "selu" -> 3.0 / 4.0;
            default -> throw new IllegalArgumentException("Init.calculateGain: unsupported nonlinearity '" + nonlinearity
                    + "'; expected linear, conv1d/2d/3d, sigmoid, tanh, relu, leaky_relu or selu");
        };
    }

    /** {@code calculateGain(nonlinearity, 0.01)} ({@code leaky_relu}'s default slope, as PyTorch). */
    public static double calculateGain(String nonlinearity) {
        return calculateGain(nonlinearity, 0.01);
    }

    // ---------------------------------------------------------------- constant

    /** All zeros. */
    public static HostArray zeros(Shape shape) {
        return constant(shape, 0);
    }

    /** All ones. */
    public static HostArray ones(Shape shape) {
        return constant(shape, 1);
    }

    /** Every element set to {@code value}. */
    public static HostArray constant(Shape shape, double value) {
        requireKnown("constant", shape);
        float[] data = new float[Math.toIntExact(shape.numel())];
        Arrays.fill(data, (float) value);
        return HostArray.of(data, shape.dims());
    }

    // ---------------------------------------------------------------- uniform / normal

    /** U({@code low}, {@code high}) from {@code generator}. */
    public static HostArray uniform(Shape shape, double low, double high, Generator generator) {
        requireKnown("uniform", shape);
        if (!(low <= high)) {
            throw new IllegalArgumentException("Init.uniform: low " + low + " must not exceed high " + high);
        }
        return HostArray.of(generator.uniform(Math.toIntExact(shape.numel()), low, high), shape.dims());
    }

    /** U({@code low}, {@code high}) from the default generator. */
    public static HostArray uniform(Shape shape, double low, double high) {
        return uniform(shape, low, high, Generator.defaultGenerator());
    }

    /** N({@code mean}, {@code std}²) from {@code generator}. */
    public static HostArray normal(Shape shape, double mean, double std, Generator generator) {
        requireKnown("normal", shape);
        if (!(std >= 0)) {
            throw new IllegalArgumentException("Init.normal: std must be >= 0, got " + std);
        }
        return HostArray.of(generator.normal(Math.toIntExact(shape.numel()), mean, std), shape.dims());
    }

    /** N({@code mean}, {@code std}²) from the default generator. */
    public static HostArray normal(Shape shape, double mean, double std) {
        return normal(shape, mean, std, Generator.defaultGenerator());
    }

    // ---------------------------------------------------------------- kaiming (He)

    /**
     * {@code torch.nn.init.kaiming_uniform_}: U(-b, b) with {@code b = gain * sqrt(3 / fan)} and
     * {@code gain = calculateGain(nonlinearity, a)}.
     */
    public static HostArray kaimingUniform(Shape shape, double a, FanMode mode, String nonlinearity, Generator generator) {
        double std = calculateGain(nonlinearity, a) / Math.sqrt(fan(shape, mode, "kaimingUniform"));
        double bound = Math.sqrt(3.0) * std;
        return uniform(shape, -bound, bound, generator);
    }

    /**
     * Kaiming uniform with negative slope {@code a}, fan-in mode and {@code leaky_relu} gain: the
     * scheme of PyTorch's Linear and Conv weights when {@code a = sqrt(5)}, i.e. bound
     * {@code 1 / sqrt(fan_in)}.
     */
    public static HostArray kaimingUniform(Shape shape, double a, Generator generator) {
        return kaimingUniform(shape, a, FanMode.FAN_IN, "leaky_relu", generator);
    }

    /** {@link #kaimingUniform(Shape, double, Generator)} from the default generator. */
    public static HostArray kaimingUniform(Shape shape, double a) {
        return kaimingUniform(shape, a, Generator.defaultGenerator());
    }

    /** {@code torch.nn.init.kaiming_normal_}: N(0, std²) with {@code std = gain / sqrt(fan)}. */
    public static HostArray kaimingNormal(Shape shape, double a, FanMode mode, String nonlinearity, Generator generator) {
        double std = calculateGain(nonlinearity, a) / Math.sqrt(fan(shape, mode, "kaimingNormal"));
        return normal(shape, 0, std, generator);
    }

    // ---------------------------------------------------------------- xavier (Glorot)

    /**
     * {@code torch.nn.init.xavier_uniform_}: U(-b, b) with
     * {@code b = gain * sqrt(6 / (fan_in + fan_out))}.
     */
    public static HostArray xavierUniform(Shape shape, double gain, Generator generator) {
        Fans f = fans(shape);
        double std = gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut()));
        double bound = Math.sqrt(3.0) * std;
        return uniform(shape, -bound, bound, generator);
    }

    /** Xavier uniform with gain 1 from the default generator. */
    public static HostArray xavierUniform(Shape shape) {
        return xavierUniform(shape, 1.0, Generator.defaultGenerator());
    }

    /** Same as {@link #xavierUniform(Shape, double, Generator)} (Keras' name). */
    public static HostArray glorotUniform(Shape shape, double gain, Generator generator) {
        return xavierUniform(shape, gain, generator);
    }

    /** {@code torch.nn.init.xavier_normal_}: N(0, std²) with {@code std = gain * sqrt(2 / (fan_in + fan_out))}. */
    public static HostArray xavierNormal(Shape shape, double gain, Generator generator) {
        Fans f = fans(shape);
        return normal(shape, 0, gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut())), generator);
    }

    private static long fan(Shape shape, FanMode mode, String op) {
        Fans f = fans(shape);
        long fan = mode == FanMode.FAN_IN ? f.fanIn() : f.fanOut();
        if (fan == 0) {
            throw new IllegalArgumentException("Init." + op + ": shape " + shape + " has a zero " + mode.name().toLowerCase(Locale.ROOT)
                    + "; cannot scale the initialisation");
        }
        return fan;
    }

    private static void requireKnown(String op, Shape shape) {
        if (!shape.isKnown()) {
            throw new IllegalArgumentException("Init." + op + ": shape " + shape + " has unknown dimensions");
        }
    }
}
