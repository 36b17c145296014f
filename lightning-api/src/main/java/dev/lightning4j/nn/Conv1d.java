package dev.lightning4j.nn;

import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.Tensor;

/**
 * A 1-D convolution, as {@code torch.nn.Conv1d}: input {@code [N, in, L]} (or unbatched
 * {@code [in, L]}), weight {@code [out, in/groups, k]}, bias {@code [out]}, PyTorch's defaults
 * (stride 1, no padding, dilation 1, one group, bias) and initialisation (see {@link ConvNd}).
 */
public class Conv1d extends ConvNd {

    /** {@code Conv1d(in, out, k)} with PyTorch's defaults, initialised from the default generator. */
    public Conv1d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0, 1, 1, true, Generator.defaultGenerator());
    }

    /** {@code Conv1d} with stride and padding, initialised from the default generator. */
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, kernelSize, stride, padding, 1, 1, true, Generator.defaultGenerator());
    }

    /** Every option; initial values come from {@code generator} (weight first, then bias). */
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups,
                  boolean bias, Generator generator) {
        super("Conv1d", 1, inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[] {padding},
                new int[] {dilation}, groups, bias, generator);
    }

    /** {@code [N, in, L]} to {@code [N, out, L_out]}. */
    @Override
    public Tensor forward(Tensor input) {
        return apply(this, input);
    }
}
