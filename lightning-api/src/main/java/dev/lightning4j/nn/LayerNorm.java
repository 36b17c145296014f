package dev.lightning4j.nn;

import dev.lightning4j.nn.functional.F;
import dev.lightning4j.nn.init.Init;
import dev.lightning4j.tensor.Shape;
import dev.lightning4j.tensor.Tensor;
import java.util.Arrays;

/**
 * Layer normalisation over the last dimensions, as {@code torch.nn.LayerNorm}: each sample is
 * normalised with the mean and biased variance of its trailing {@code normalizedShape}, then scaled
 * by {@code weight} (ones) and shifted by {@code bias} (zeros), both shaped {@code normalizedShape},
 * when {@code elementwiseAffine}. The same in training and evaluation mode.
 */
public class LayerNorm extends Module {
    private final long[] normalizedShape;
    private final double eps;
    private final Parameter weight;
    private final Parameter bias;

    /** Normalises the last dimension of size {@code size}, with {@code eps = 1e-5} and affine parameters. */
    public LayerNorm(int size) {
        this(new long[] {size}, 1e-5, true);
    }

    /** Every option. */
    public LayerNorm(long[] normalizedShape, double eps, boolean elementwiseAffine) {
        if (normalizedShape == null || normalizedShape.length == 0 || Arrays.stream(normalizedShape).anyMatch(d -> d <= 0)) {
            throw new IllegalArgumentException("LayerNorm: normalizedShape must be non-empty with positive sizes, got "
                    + Arrays.toString(normalizedShape));
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("LayerNorm: eps must be positive, got " + eps);
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        Shape s = Shape.of(normalizedShape);
        this.weight = elementwiseAffine ? registerParameter("weight", Init.ones(s)) : null;
        this.bias = elementwiseAffine ? registerParameter("bias", Init.zeros(s)) : null;
    }

    /** The trailing shape normalised over. */
    public long[] normalizedShape() {
        return normalizedShape.clone();
    }

    /** The scale, or null without elementwise affine. */
    public Parameter weight() {
        return weight;
    }

    /** The shift, or null without elementwise affine. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor input) {
        int k = normalizedShape.length;
        boolean fits = input.rank() >= k;
        for (int i = 0; fits && i < k; i++) {
            long d = input.size(input.rank() - k + i);
            fits = d == Shape.UNKNOWN || d == normalizedShape[i];
        }
        if (!fits) {
            throw new IllegalArgumentException(this + ": input " + input.shape() + " must end in " + Shape.of(normalizedShape));
        }
        return F.layerNorm(input, normalizedShape, weight == null ? null : weight.value(), bias == null ? null : bias.value(), eps);
    }

    @Override
    public String toString() {
        return "LayerNorm(" + Shape.of(normalizedShape) + ", eps=" + eps + ", elementwise_affine=" + (weight != null) + ")";
    }
}
