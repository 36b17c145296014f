package dev.lightning4j.nn;

import dev.lightning4j.nn.functional.F;
import dev.lightning4j.tensor.Tensor;
import dev.lightning4j.tensor.WindowShapes;

/**
 * What the max and average pooling layers share: kernel, stride (the kernel size by default, as in
 * PyTorch) and padding per spatial dimension, floor mode. No parameters.
 */
public abstract class PoolNd extends Module {
    private final String kind;
    private final boolean max;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;

    /** Checks the arguments; a null or empty {@code stride} means the kernel size. */
    protected PoolNd(String kind, int spatial, boolean max, int[] kernelSize, int[] stride, int[] padding) {
        this.kind = kind;
        this.max = max;
        this.kernelSize = WindowShapes.perDim(kind, "kernelSize", kernelSize, spatial);
        this.stride = stride == null || stride.length == 0 ? this.kernelSize.clone() : WindowShapes.perDim(kind, "stride", stride, spatial);
        this.padding = WindowShapes.perDim(kind, "padding", padding, spatial);
        for (int i = 0; i < spatial; i++) {
            if (this.kernelSize[i] <= 0 || this.stride[i] <= 0 || this.padding[i] < 0 || this.padding[i] > this.kernelSize[i] / 2) {
                throw new IllegalArgumentException(this + ": kernelSize and stride must be positive and padding between 0 "
                        + "and half the kernel size");
            }
        }
    }

    /** Kernel size per spatial dimension. */
    public int[] kernelSize() {
        return kernelSize.clone();
    }

    /** Stride per spatial dimension. */
    public int[] stride() {
        return stride.clone();
    }

    /** Padding per spatial dimension. */
    public int[] padding() {
        return padding.clone();
    }

    /** {@code [N, C, spatial...]} (or unbatched {@code [C, spatial...]}) pooled over the spatial dimensions. */
    @Override
    public Tensor forward(Tensor input) {
        int spatial = kernelSize.length;
        if (input.rank() != spatial + 1 && input.rank() != spatial + 2) {
            String dims = spatial == 1 ? "L" : "H, W";
            throw new IllegalArgumentException(this + ": expected input of shape [N, C, " + dims + "] or [C, " + dims
                    + "], got " + input.shape());
        }
        if (spatial == 1) {
            return max ? F.maxPool1d(input, kernelSize[0], stride[0], padding[0])
                    : F.avgPool1d(input, kernelSize[0], stride[0], padding[0]);
        }
        return max ? F.maxPool2d(input, kernelSize, stride, padding) : F.avgPool2d(input, kernelSize, stride, padding);
    }

    @Override
    public String toString() {
        return kind + "(kernel_size=" + ConvNd.tuple(kernelSize == null ? new int[0] : kernelSize) + ", stride="
                + (stride == null ? "?" : ConvNd.tuple(stride)) + ", padding=" + (padding == null ? "?" : ConvNd.tuple(padding)) + ")";
    }
}
