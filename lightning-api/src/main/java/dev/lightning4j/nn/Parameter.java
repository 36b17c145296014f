package dev.lightning4j.nn;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import dev.lightning4j.tensor.Tensor;

/**
 * A named piece of module state: a trainable weight, or a buffer such as a running mean. It keeps
 * its value on the host until the module is moved to a backend; from then on the engine's
 * {@link Variable} holds it, and moving to another backend carries the current value across.
 */
public final class Parameter {
    private final String localName;
    private final Shape shape;
    private final DType dtype;
    private final boolean requiresGrad;
    private HostArray host;
    private Variable variable;
    private Backend backend;

    Parameter(String localName, HostArray initial, boolean requiresGrad) {
        this.localName = localName;
        this.shape = initial.shape();
        this.dtype = initial.dtype();
        this.requiresGrad = requiresGrad;
        this.host = initial;
    }

    /** The name within its owning module (such as {@code weight}). */
    public String localName() {
        return localName;
    }

    /** The fixed shape. */
    public Shape shape() {
        return shape;
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** True for trainable weights, false for buffers. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The number of elements. */
    public long numel() {
        return shape.numel();
    }

    /** True once the parameter lives on a backend. */
    public boolean isAttached() {
        return variable != null;
    }

    /** The engine variable; fails if the module has not been moved to a backend. */
    public Variable variable() {
        if (variable == null) {
            throw notAttached();
        }
        return variable;
    }

    /** The backend it lives on, or null. */
    public Backend backend() {
        return backend;
    }

    /** The value as a tensor in the current step (or eagerly outside steps). Do not close it. */
    public Tensor value() {
        if (variable == null) {
            throw notAttached();
        }
        return Tensor.wrap(backend, variable.read());
    }

    /** Sets the value inside a step (for buffers such as running statistics). */
    public void assign(Tensor value) {
        if (!value.shape().equals(shape) && value.shape().isKnown()) {
            throw new IllegalArgumentException("parameter '" + localName + "': cannot assign a value of shape "
                    + value.shape() + "; expected " + shape);
        }
        variable().assign(value.to(dtype).nativeTensor());
    }

    /** The current value copied to the host. */
    public HostArray data() {
        return variable != null ? variable.toHost() : host;
    }

    /** Overwrites the value from the host; shape and dtype must match. */
    public void load(HostArray value) {
        load(localName, value);
    }

    void load(String qualifiedName, HostArray value) {
        if (!value.shape().equals(shape)) {
            throw new IllegalArgumentException("parameter '" + qualifiedName + "': shape " + value.shape()
                    + " does not match the module's " + shape);
        }
        HostArray converted = value.dtype() == dtype ? value : HostArray.fromDoubles(value.toDoubleArray(), dtype, shape);
        if (variable != null) {
            variable.load(converted);
        } else {
            host = converted;
        }
    }

    /** Moves the value onto {@code target}; a no-op when it already lives there. */
    void attach(Backend target, Device device, String qualifiedName) {
        if (backend == target && variable != null) {
            return;
        }
        HostArray current = data();
        release();
        host = current;
        variable = target.newVariable(qualifiedName, current, requiresGrad, device);
        backend = target;
    }

    /** Copies the value back to the host and frees the engine variable. */
    void detach() {
        if (variable != null) {
            host = variable.toHost();
            release();
        }
    }

    private void release() {
        if (variable != null) {
            try {
                variable.close();
            } finally {
                variable = null;
                backend = null;
            }
        }
    }

    private IllegalStateException notAttached() {
        return new IllegalStateException("parameter '" + localName + "' " + shape
                + " is not on a backend yet: run it through a Trainer or call module.to(backend) first");
    }

    @Override
    public String toString() {
        return "Parameter(" + localName + ", " + shape + ", " + dtype + (requiresGrad ? "" : ", buffer") + ")";
    }
}
