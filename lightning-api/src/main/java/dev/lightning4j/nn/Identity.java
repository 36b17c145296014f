package dev.lightning4j.nn;

import dev.lightning4j.tensor.Tensor;

/** Returns its input unchanged, as {@code torch.nn.Identity}; a placeholder in a {@link Sequential}. */
public class Identity extends Module {
    /** Creates the layer (it has no parameters). */
    public Identity() {
    }

    @Override
    public Tensor forward(Tensor input) {
        return input;
    }

    @Override
    public String toString() {
        return "Identity()";
    }
}
