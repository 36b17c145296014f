package dev.lightning4j.nn;

import dev.lightning4j.nn.functional.F;
import dev.lightning4j.nn.init.Init;
import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.Shape;
import dev.lightning4j.tensor.Tensor;
import dev.lightning4j.tensor.WindowShapes;
import java.util.Arrays;

/**
 * What {@link Conv1d} and {@link Conv2d} share, as PyTorch's {@code _ConvNd}: weight
 * {@code [out, in/groups, k...]} initialised by Kaiming uniform with {@code a = sqrt(5)} (bound
 * {@code 1/sqrt(fan_in)}, {@code fan_in = in/groups * prod(k)}) and bias {@code [out]} drawn from
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)), weight first, from the given generator. Padding is zeros.
 */
public abstract class ConvNd extends Module {
    private final String kind;
    private final int inChannels;
    private final int outChannels;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final int groups;
    private final Parameter weight;
    private final Parameter bias;

    /** Checks the arguments and registers {@code weight} and {@code bias}; each int[] has 1 or {@code spatial} values. */
    protected ConvNd(String kind, int spatial, int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding,
                     int[] dilation, int groups, boolean bias, Generator generator) {
        this.kind = kind;
        if (inChannels <= 0 || outChannels <= 0) {
            throw new IllegalArgumentException(kind + ": inChannels and outChannels must be positive, got in=" + inChannels
                    + ", out=" + outChannels);
        }
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException(kind + ": groups=" + groups + " must be positive and divide both inChannels="
                    + inChannels + " and outChannels=" + outChannels);
        }
        this.kernelSize = WindowShapes.perDim(kind, "kernelSize", kernelSize, spatial);
        this.stride = WindowShapes.perDim(kind, "stride", stride, spatial);
        this.padding = WindowShapes.perDim(kind, "padding", padding, spatial);
        this.dilation = WindowShapes.perDim(kind, "dilation", dilation, spatial);
        for (int i = 0; i < spatial; i++) {
            if (this.kernelSize[i] <= 0 || this.stride[i] <= 0 || this.dilation[i] <= 0 || this.padding[i] < 0) {
                throw new IllegalArgumentException(kind + ": kernelSize, stride and dilation must be positive and padding "
                        + "non-negative, got kernelSize=" + Arrays.toString(this.kernelSize) + ", stride=" + Arrays.toString(this.stride)
                        + ", padding=" + Arrays.toString(this.padding) + ", dilation=" + Arrays.toString(this.dilation));
            }
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        long[] w = new long[2 + spatial];
        w[0] = outChannels;
        w[1] = inChannels / groups;
        long fanIn = w[1];
        for (int i = 0; i < spatial; i++) {
            w[2 + i] = this.kernelSize[i];
            fanIn *= this.kernelSize[i];
        }
        this.weight = registerParameter("weight", Init.kaimingUniform(Shape.of(w), Math.sqrt(5), generator));
        if (bias) {
            double bound = 1.0 / Math.sqrt(fanIn);
            this.bias = registerParameter("bias", Init.uniform(Shape.of(outChannels), -bound, bound, generator));
        } else {
            this.bias = null;
        }
    }

    /** Input channels. */
    public int inChannels() {
        return inChannels;
    }

    /** Output channels. */
    public int outChannels() {
        return outChannels;
    }

    /** Kernel size per spatial dimension. */
    public int[] kernelSize() {
        return kernelSize.clone();
    }

    /** Stride per spatial dimension. */
    public int[] stride() {
        return stride.clone();
    }

    /** Zero padding on both sides, per spatial dimension. */
    public int[] padding() {
        return padding.clone();
    }

    /** Dilation per spatial dimension. */
    public int[] dilation() {
        return dilation.clone();
    }

    /** The number of channel groups. */
    public int groups() {
        return groups;
    }

    /** The weight {@code [out, in/groups, k...]}. */
    public Parameter weight() {
        return weight;
    }

    /** The bias {@code [out]}, or null. */
    public Parameter bias() {
        return bias;
    }

    /** Checks that {@code input} is {@code [N, in, ...]} or unbatched {@code [in, ...]}, naming this layer otherwise. */
    protected void checkInput(Tensor input) {
        int spatial = kernelSize.length;
        int rank = input.rank();
        if (rank != spatial + 1 && rank != spatial + 2) {
            throw new IllegalArgumentException(this + ": expected input of shape " + expected(true) + " or unbatched "
                    + expected(false) + ", got " + input.shape());
        }
        long c = input.size(rank - spatial - 1);
        if (c != Shape.UNKNOWN && c != inChannels) {
            throw new IllegalArgumentException(this + ": input " + input.shape() + " has " + c + " channels; expected "
                    + inChannels + " as in " + expected(rank == spatial + 2));
        }
    }

    private String expected(boolean batched) {
        String dims = kernelSize.length == 1 ? "L" : "H, W";
        return "[" + (batched ? "N, " : "") + inChannels + ", " + dims + "]";
    }

    /** The convolution of {@code input}. */
    @Override
    public abstract Tensor forward(Tensor input);

    /** The bias as a tensor of the current step, or null. */
    protected Tensor biasValue() {
        return bias == null ? null : bias.value();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(kind).append('(').append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(tuple(kernelSize)).append(", stride=").append(tuple(stride));
        if (Arrays.stream(padding).anyMatch(p -> p != 0)) {
            sb.append(", padding=").append(tuple(padding));
        }
        if (Arrays.stream(dilation).anyMatch(d -> d != 1)) {
            sb.append(", dilation=").append(tuple(dilation));
        }
        if (groups != 1) {
            sb.append(", groups=").append(groups);
        }
        if (bias == null) {
            sb.append(", bias=False");
        }
        return sb.append(')').toString();
    }

    /** PyTorch's tuple notation: {@code (3,)} or {@code (3, 3)}. */
    static String tuple(int[] v) {
        if (v.length == 1) {
            return "(" + v[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < v.length; i++) {
            sb.append(i > 0 ? ", " : "").append(v[i]);
        }
        return sb.append(')').toString();
    }

    /** For subclasses: the functional convolution with this layer's settings. */
    static Tensor apply(ConvNd m, Tensor input) {
        m.checkInput(input);
        Tensor w = m.weight.value();
        Tensor b = m.biasValue();
        return m.kernelSize.length == 1
                ? F.conv1d(input, w, b, m.stride[0], m.padding[0], m.dilation[0], m.groups)
                : F.conv2d(input, w, b, m.stride, m.padding, m.dilation, m.groups);
    }
}
