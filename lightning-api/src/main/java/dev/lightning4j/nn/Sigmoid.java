package dev.lightning4j.nn;

import dev.lightning4j.tensor.Tensor;

/** Elementwise logistic function, as {@code torch.nn.Sigmoid}. */
public class Sigmoid extends Module {
    /** Creates the layer (it has no parameters). */
    public Sigmoid() {
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.sigmoid();
    }

    @Override
    public String toString() {
        return "Sigmoid()";
    }
}
