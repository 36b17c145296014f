package dev.lightning4j.backend;

import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;

/**
 * Persistent engine state that outlives a step: a parameter, an optimizer buffer or a running
 * statistic. Reads and assignments happen inside steps (eagerly, or recorded into the traced graph);
 * {@link #toHost()} and {@link #load(HostArray)} happen between steps.
 */
public interface Variable extends AutoCloseable {

    /** The name it was created with, for messages. */
    String name();

    /** The shape, fixed at creation. */
    Shape shape();

    /** The element type, fixed at creation. */
    DType dtype();

    /** True when gradients are taken with respect to it. */
    boolean trainable();

    /**
     * The current value in the calling context. It is owned by the variable: do not close it. After
     * an {@link #assign} in the same step, this returns the assigned value.
     */
    NativeTensor read();

    /** Sets the value; shape and dtype must match. */
    void assign(NativeTensor value);

    /** Copies the value to the host. Not allowed inside a traced step. */
    HostArray toHost();

    /** Overwrites the value from the host. Not allowed inside a traced step. */
    void load(HostArray value);

    /** Releases the engine memory. */
    @Override
    void close();
}
