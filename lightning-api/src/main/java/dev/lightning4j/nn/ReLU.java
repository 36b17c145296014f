package dev.lightning4j.nn;

import dev.lightning4j.tensor.Tensor;

/** Elementwise {@code max(x, 0)}, as {@code torch.nn.ReLU}. */
public class ReLU extends Module {
    /** Creates the layer (it has no parameters). */
    public ReLU() {
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.relu();
    }

    @Override
    public String toString() {
        return "ReLU()";
    }
}
