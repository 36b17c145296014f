package dev.lightning4j.nn;

import dev.lightning4j.tensor.Tensor;

/** Elementwise hyperbolic tangent, as {@code torch.nn.Tanh}. */
public class Tanh extends Module {
    /** Creates the layer (it has no parameters). */
    public Tanh() {
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.tanh();
    }

    @Override
    public String toString() {
        return "Tanh()";
    }
}
