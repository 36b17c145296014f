package dev.lightning4j.backend;

import dev.lightning4j.tensor.Tensor;
import java.util.List;

/**
 * A differentiated value and its gradients.
 *
 * @param value the scalar that was differentiated (the loss)
 * @param grads one gradient per requested variable, in request order, each shaped like its variable
 */
public record Gradients(Tensor value, List<Tensor> grads) {
    /** Copies the list. */
    public Gradients {
        grads = List.copyOf(grads);
    }
}
