package dev.lightning4j.nn;

import dev.lightning4j.tensor.Tensor;

/** Elementwise exact (erf-based) GELU, as {@code torch.nn.GELU()} with its default {@code approximate='none'}. */
public class GELU extends Module {
    /** Creates the layer (it has no parameters). */
    public GELU() {
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.gelu();
    }

    @Override
    public String toString() {
        return "GELU()";
    }
}
