package dev.lightning4j.backend;

import dev.lightning4j.tensor.Tensor;

/**
 * Owns the tensors created on its thread while it is the innermost open scope, and closes them
 * when it closes. Scopes nest, like DJL's {@code NDManager} tree: the Trainer opens one per step so
 * that every intermediate of the step is freed when the step ends.
 */
public interface TensorScope extends AutoCloseable {

    /** Hands {@code tensor} to the enclosing scope so that it survives this one; returns it. */
    Tensor keep(Tensor tensor);

    /** Closes every tensor this scope still owns. */
    @Override
    void close();
}
