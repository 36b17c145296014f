package dev.lightning4j.nn;

import dev.lightning4j.nn.functional.F;
import dev.lightning4j.tensor.Tensor;

/**
 * Adaptive average pooling to a fixed output size, as {@code torch.nn.AdaptiveAvgPool2d}: any
 * {@code [N, C, H, W]} becomes {@code [N, C, outH, outW]} with PyTorch's window bounds (see
 * {@link F#adaptiveAvgPool2d}). The usual {@code AdaptiveAvgPool2d(1)} before a classifier head is
 * a mean over H and W.
 */
public class AdaptiveAvgPool2d extends Module {
    private final int outH;
    private final int outW;

    /** A square output of {@code size x size}. */
    public AdaptiveAvgPool2d(int size) {
        this(size, size);
    }

    /** An output of {@code outH x outW}. */
    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be positive, got (" + outH + ", " + outW + ")");
        }
        this.outH = outH;
        this.outW = outW;
    }

    /** The output size {@code {outH, outW}}. */
    public int[] outputSize() {
        return new int[] {outH, outW};
    }

    @Override
    public Tensor forward(Tensor input) {
        if (input.rank() != 3 && input.rank() != 4) {
            throw new IllegalArgumentException(this + ": expected input of shape [N, C, H, W] or [C, H, W], got " + input.shape());
        }
        return F.adaptiveAvgPool2d(input, outH, outW);
    }

    @Override
    public String toString() {
        return "AdaptiveAvgPool2d(output_size=(" + outH + ", " + outW + "))";
    }
}
