package dev.lightning4j.nn;

/**
 * Max pooling, as {@code torch.nn.MaxPool2d}: the largest value of each window (padding counts as
 * minus infinity), over {@code [N, C, H, W]} (or {@code [C, H, W]}); size arguments take one value
 * for both dimensions or two (height, width). Stride defaults to the kernel size; floor mode.
 */
public class MaxPool2d extends PoolNd {

    /** A square kernel of {@code kernelSize} with stride equal to it and no padding. */
    public MaxPool2d(int kernelSize) {
        this(new int[] {kernelSize}, null, new int[] {0});
    }

    /** Square kernel, stride and padding. */
    public MaxPool2d(int kernelSize, int stride, int padding) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {padding});
    }

    /** Kernel, stride (null: the kernel size) and padding, one value or two (height, width) each. */
    public MaxPool2d(int[] kernelSize, int[] stride, int[] padding) {
        super("MaxPool2d", 2, true, kernelSize, stride, padding);
    }
}
