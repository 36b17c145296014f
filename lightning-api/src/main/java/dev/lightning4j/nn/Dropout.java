package dev.lightning4j.nn;

import dev.lightning4j.nn.functional.F;
import dev.lightning4j.tensor.Tensor;

/**
 * Dropout, as {@code torch.nn.Dropout(p)}: in training mode each element is zeroed with
 * probability {@code p} and the rest are scaled by {@code 1/(1-p)}; in evaluation mode it returns
 * its input. Masks come from the engine's generator ({@link dev.lightning4j.backend.Backend#manualSeed}).
 */
public class Dropout extends Module {
    private final double p;

    /** Dropout with PyTorch's default probability 0.5. */
    public Dropout() {
        this(0.5);
    }

    /** Dropout with probability {@code p} in [0, 1]. */
    public Dropout(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("Dropout: probability must be in [0, 1], got " + p);
        }
        this.p = p;
    }

    /** The probability of zeroing an element. */
    public double p() {
        return p;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.dropout(input, p, isTraining());
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}
