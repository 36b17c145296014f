package dev.lightning4j.nn;

/**
 * Average pooling, as {@code torch.nn.AvgPool1d} with its defaults: the mean of each window, zero
 * padding included (count_include_pad), over {@code [N, C, L]} (or {@code [C, L]}). Stride
 * defaults to the kernel size; floor mode.
 */
public class AvgPool1d extends PoolNd {

    /** A kernel of {@code kernelSize} with stride equal to it and no padding. */
    public AvgPool1d(int kernelSize) {
        this(kernelSize, kernelSize, 0);
    }

    /** Kernel, stride and padding. */
    public AvgPool1d(int kernelSize, int stride, int padding) {
        super("AvgPool1d", 1, false, new int[] {kernelSize}, new int[] {stride}, new int[] {padding});
    }
}
