package dev.lightning4j.tensor;

import java.util.Arrays;

/**
 * Argument checks and output shapes of the sliding-window ops (convolution and pooling), shared by
 * {@link Tensor} and the layers so that every engine sees the same validated arguments and users
 * see one set of messages. Sizes follow PyTorch (floor mode):
 * {@code out = floor((in + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1}. Dimensions
 * unknown while tracing stay {@link Shape#UNKNOWN} in the result.
 */
public final class WindowShapes {
    private WindowShapes() {
    }

    /**
     * The number of spatial dimensions of a {@code [N, C, L]} or {@code [N, C, H, W]} input.
     *
     * @throws IllegalArgumentException naming {@code op} when the rank is not 3 or 4
     */
    public static int spatialDims(String op, Shape x) {
        if (x.rank() != 3 && x.rank() != 4) {
            throw new IllegalArgumentException(op + ": expected an input of shape [N, C, L] (1-D) or [N, C, H, W] (2-D), got "
                    + x + " of rank " + x.rank());
        }
        return x.rank() - 2;
    }

    /**
     * {@code values} with one entry per spatial dimension: a single value is repeated, as PyTorch
     * accepts {@code kernel_size=3} for {@code (3, 3)}.
     *
     * @throws IllegalArgumentException naming {@code op} and {@code param} for a wrong count
     */
    public static int[] perDim(String op, String param, int[] values, int spatial) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException(op + ": " + param + " needs 1 or " + spatial + " values, got none");
        }
        if (values.length == spatial) {
            return values.clone();
        }
        if (values.length == 1) {
            int[] out = new int[spatial];
            Arrays.fill(out, values[0]);
            return out;
        }
        throw new IllegalArgumentException(op + ": " + param + " " + Arrays.toString(values) + " needs 1 or " + spatial
                + " values for " + spatial + " spatial dimension" + (spatial == 1 ? "" : "s"));
    }

    private static void requireAtLeast(String op, String param, int[] values, int min) {
        for (int v : values) {
            if (v < min) {
                throw new IllegalArgumentException(op + ": " + param + " " + Arrays.toString(values) + " must be "
                        + (min == 0 ? "non-negative" : ">= " + min));
            }
        }
    }

    /**
     * The output shape of a convolution of {@code x} {@code [N, C_in, spatial...]} with
     * {@code weight} {@code [C_out, C_in/groups, k...]}.
     *
     * @throws IllegalArgumentException naming {@code op}, the shapes and what was expected
     */
    public static Shape convOutput(String op, Shape x, Shape weight, int[] stride, int[] padding, int[] dilation, int groups) {
        int s = spatialDims(op, x);
        if (weight.rank() != x.rank()) {
            throw new IllegalArgumentException(op + ": weight must have shape [out_channels, in_channels/groups"
                    + (s == 1 ? ", k" : ", kh, kw") + "] (rank " + x.rank() + " like the input " + x + "), got " + weight);
        }
        if (!weight.isKnown()) {
            throw new IllegalArgumentException(op + ": weight shape " + weight + " must be fully known");
        }
        checkLengths(op, s, stride, padding, dilation);
        requireAtLeast(op, "stride", stride, 1);
        requireAtLeast(op, "padding", padding, 0);
        requireAtLeast(op, "dilation", dilation, 1);
        requireAtLeast(op, "kernel size", Arrays.stream(weight.dims()).skip(2).mapToInt(Math::toIntExact).toArray(), 1);
        if (groups < 1) {
            throw new IllegalArgumentException(op + ": groups must be positive, got " + groups);
        }
        long out = weight.get(0);
        if (out % groups != 0) {
            throw new IllegalArgumentException(op + ": out_channels " + out + " (weight " + weight
                    + ") must be divisible by groups " + groups);
        }
        long in = x.get(1);
        long expectedIn = weight.get(1) * groups;
        if (in != Shape.UNKNOWN && in != expectedIn) {
            throw new IllegalArgumentException(op + ": input " + x + " has " + in + " channels (dimension 1) but weight "
                    + weight + " with groups=" + groups + " expects " + expectedIn);
        }
        long[] dims = new long[x.rank()];
        dims[0] = x.get(0);
        dims[1] = out;
        for (int i = 0; i < s; i++) {
            dims[2 + i] = outSize(op, x, i, (int) weight.get(2 + i), stride[i], padding[i], dilation[i]);
        }
        return Shape.of(dims);
    }

    /**
     * The output shape of max or average pooling of {@code x} {@code [N, C, spatial...]}. As in
     * PyTorch, padding may be at most half the kernel.
     *
     * @throws IllegalArgumentException naming {@code op}, the shape and what was expected
     */
    public static Shape poolOutput(String op, Shape x, int[] kernel, int[] stride, int[] padding) {
        int s = spatialDims(op, x);
        if (kernel.length != s) {
            throw new IllegalArgumentException(op + ": kernel size " + Arrays.toString(kernel) + " needs " + s
                    + " values for input " + x);
        }
        checkLengths(op, s, stride, padding, kernel);
        requireAtLeast(op, "kernel size", kernel, 1);
        requireAtLeast(op, "stride", stride, 1);
        requireAtLeast(op, "padding", padding, 0);
        for (int i = 0; i < s; i++) {
            if (padding[i] > kernel[i] / 2) {
                throw new IllegalArgumentException(op + ": padding " + Arrays.toString(padding)
                        + " must be at most half the kernel size " + Arrays.toString(kernel));
            }
        }
        long[] dims = x.dims();
        for (int i = 0; i < s; i++) {
            dims[2 + i] = outSize(op, x, i, kernel[i], stride[i], padding[i], 1);
        }
        return Shape.of(dims);
    }

    private static void checkLengths(String op, int s, int[] stride, int[] padding, int[] dilation) {
        String[] names = {"stride", "padding", "dilation"};
        int[][] values = {stride, padding, dilation};
        for (int i = 0; i < names.length; i++) {
            if (values[i] == null || values[i].length != s) {
                throw new IllegalArgumentException(op + ": " + names[i] + " " + Arrays.toString(values[i]) + " needs " + s
                        + " value" + (s == 1 ? "" : "s") + ", one per spatial dimension");
            }
        }
    }

    private static long outSize(String op, Shape x, int i, int kernel, int stride, int padding, int dilation) {
        long in = x.get(2 + i);
        if (in == Shape.UNKNOWN) {
            return Shape.UNKNOWN;
        }
        long span = (long) dilation * (kernel - 1) + 1;
        long padded = in + 2L * padding;
        if (padded < span) {
            throw new IllegalArgumentException(op + ": input " + x + " is too small: spatial dimension " + (2 + i)
                    + " has size " + in + " (" + padded + " with padding " + padding + ") but the kernel spans " + span
                    + (dilation > 1 ? " (kernel " + kernel + ", dilation " + dilation + ")" : ""));
        }
        return (padded - span) / stride + 1;
    }
}
