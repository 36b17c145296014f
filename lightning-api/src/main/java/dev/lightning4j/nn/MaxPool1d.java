package dev.lightning4j.nn;

/**
 * Max pooling, as {@code torch.nn.MaxPool1d}: the largest value of each window (padding counts as
 * minus infinity), over {@code [N, C, L]} (or {@code [C, L]}). Stride defaults to the kernel size;
 * floor mode.
 */
public class MaxPool1d extends PoolNd {

    /** A kernel of {@code kernelSize} with stride equal to it and no padding. */
    public MaxPool1d(int kernelSize) {
        this(kernelSize, kernelSize, 0);
    }

    /** Kernel, stride and padding. */
    public MaxPool1d(int kernelSize, int stride, int padding) {
        super("MaxPool1d", 1, true, new int[] {kernelSize}, new int[] {stride}, new int[] {padding});
    }
}
