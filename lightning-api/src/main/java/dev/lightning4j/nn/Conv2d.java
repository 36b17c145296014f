package dev.lightning4j.nn;

import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.Tensor;

/**
 * A 2-D convolution, as {@code torch.nn.Conv2d}: input {@code [N, in, H, W]} (or unbatched
 * {@code [in, H, W]}), weight {@code [out, in/groups, kh, kw]}, bias {@code [out]}, PyTorch's
 * defaults (stride 1, no padding, dilation 1, one group, bias) and initialisation (see
 * {@link ConvNd}). Size arguments take one value for both dimensions or two (height, width).
 */
public class Conv2d extends ConvNd {

    /** {@code Conv2d(in, out, k)} with a square kernel and PyTorch's defaults, from the default generator. */
    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0);
    }

    /** A square kernel with stride and padding, from the default generator. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {1}, 1, true,
                Generator.defaultGenerator());
    }

    /** Every option; initial values come from {@code generator} (weight first, then bias). */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation, int groups,
                  boolean bias, Generator generator) {
        super("Conv2d", 2, inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, generator);
    }

    /** {@code [N, in, H, W]} to {@code [N, out, H_out, W_out]}. */
    @Override
    public Tensor forward(Tensor input) {
        return apply(this, input);
    }
}
