package dev.lightning4j.nn;

/**
 * Average pooling, as {@code torch.nn.AvgPool2d} with its defaults: the mean of each window, zero
 * padding included (count_include_pad), over {@code [N, C, H, W]} (or {@code [C, H, W]}); size
 * arguments take one value for both dimensions or two (height, width). Stride defaults to the
 * kernel size; floor mode.
 */
public class AvgPool2d extends PoolNd {

    /** A square kernel of {@code kernelSize} with stride equal to it and no padding. */
    public AvgPool2d(int kernelSize) {
        this(new int[] {kernelSize}, null, new int[] {0});
    }

    /** Square kernel, stride and padding. */
    public AvgPool2d(int kernelSize, int stride, int padding) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {padding});
    }

    /** Kernel, stride (null: the kernel size) and padding, one value or two (height, width) each. */
    public AvgPool2d(int[] kernelSize, int[] stride, int[] padding) {
        super("AvgPool2d", 2, false, kernelSize, stride, padding);
    }
}
