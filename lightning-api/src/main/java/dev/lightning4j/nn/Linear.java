package dev.lightning4j.nn;

import dev.lightning4j.nn.functional.F;
import dev.lightning4j.nn.init.Init;
import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.Shape;
import dev.lightning4j.tensor.Tensor;

/**
 * A fully connected layer, {@code y = x W^T + b}, as {@code torch.nn.Linear}: weight
 * {@code [out, in]} and bias {@code [out]}, initialised as PyTorch does (weight by Kaiming uniform
 * with {@code a = sqrt(5)}, i.e. U(-1/sqrt(in), 1/sqrt(in)), bias by the same bound).
 */
public class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    /** A layer with bias, initialised from the default generator. */
    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true, Generator.defaultGenerator());
    }

    /** A layer with or without bias, initialised from the default generator. */
    public Linear(int inFeatures, int outFeatures, boolean bias) {
        this(inFeatures, outFeatures, bias, Generator.defaultGenerator());
    }

    /** A layer whose initial values come from {@code generator} (weight first, then bias). */
    public Linear(int inFeatures, int outFeatures, boolean bias, Generator generator) {
        if (inFeatures <= 0 || outFeatures <= 0) {
            throw new IllegalArgumentException("Linear: inFeatures and outFeatures must be positive, got in="
                    + inFeatures + ", out=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        Shape weightShape = Shape.of(outFeatures, inFeatures);
        this.weight = registerParameter("weight", Init.kaimingUniform(weightShape, Math.sqrt(5), generator));
        if (bias) {
            double bound = 1.0 / Math.sqrt(inFeatures);
            this.bias = registerParameter("bias", Init.uniform(Shape.of(outFeatures), -bound, bound, generator));
        } else {
            this.bias = null;
        }
    }

    /** The number of input features. */
    public int inFeatures() {
        return inFeatures;
    }

    /** The number of output features. */
    public int outFeatures() {
        return outFeatures;
    }

    /** The weight {@code [out, in]}. */
    public Parameter weight() {
        return weight;
    }

    /** The bias {@code [out]}, or null when the layer has none. */
    public Parameter bias() {
        return bias;
    }

    /** True when the layer has a bias. */
    public boolean hasBias() {
        return bias != null;
    }

    /** {@code input [..., in]} to {@code [..., out]}. */
    @Override
    public Tensor forward(Tensor input) {
        if (input.rank() < 1) {
            throw new IllegalArgumentException("Linear(" + inFeatures + ", " + outFeatures
                    + "): expected input of shape [..., " + inFeatures + "], got a scalar");
        }
        long features = input.size(-1);
        if (features != Shape.UNKNOWN && features != inFeatures) {
            throw new IllegalArgumentException("Linear(" + inFeatures + ", " + outFeatures + "): input shape "
                    + input.shape() + " has " + features + " features in its last dimension; expected " + inFeatures);
        }
        return F.linear(input, weight.value(), bias == null ? null : bias.value());
    }

    @Override
    public String toString() {
        return "Linear(in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + hasBias() + ")";
    }
}
