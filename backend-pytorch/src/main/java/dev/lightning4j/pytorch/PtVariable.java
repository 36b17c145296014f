package dev.lightning4j.pytorch;

import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.lightning4j.backend.NativeTensor;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;

/**
 * A variable of the PyTorch backend: one libtorch tensor in the backend's long-lived manager.
 * Trainable ones require gradients. {@link #assign} copies in place with gradient recording off,
 * as a {@code torch.no_grad()} update of a parameter does, so reads in the same step see the new
 * value and the tensor keeps {@code requires_grad}. {@link PtKernels#binaryInPlace} on {@link #read()}
 * updates it in place without the copy.
 */
final class PtVariable implements Variable {
    private final PyTorchBackend backend;
    private final String name;
    private final PtNDArray array;
    private final DType dtype;
    private final Shape shape;
    private final Device device;
    private final boolean trainable;
    private final PtTensor view;
    // A full-range slice per dimension: index_put_ with it is copy_ into the whole tensor.
    private final long[] sliceMin;
    private final long[] sliceMax;
    private final long[] sliceStep;
    private volatile boolean closed;
    /** Marks the variable as requested in one valueAndGrad call; see PtStepContext. */
    long mark;

    PtVariable(PyTorchBackend backend, String name, PtNDArray array, DType dtype, Shape shape, Device device,
            boolean trainable) {
        this.backend = backend;
        this.name = name;
        this.array = array;
        this.dtype = dtype;
        this.shape = shape;
        this.device = device;
        this.trainable = trainable;
        this.view = new PtTensor(array, dtype, device, shape, true);
        int rank = shape.rank();
        this.sliceMin = new long[rank];
        this.sliceMax = shape.dims();
        this.sliceStep = new long[rank];
        java.util.Arrays.fill(sliceStep, 1);
        array.setName(name);
    }

    PtNDArray array() {
        checkOpen();
        return array;
    }

    PyTorchBackend backend() {
        return backend;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public boolean trainable() {
        return trainable;
    }

    @Override
    public NativeTensor read() {
        checkOpen();
        return view;
    }

    @Override
    public void assign(NativeTensor value) {
        checkOpen();
        PtTensor v = backend.unwrap(value, "assign to variable '" + name + "'");
        if (v.dtype() != dtype || !v.shape().equals(shape)) {
            throw new IllegalArgumentException("assign to variable '" + name + "': expected " + dtype + " " + shape
                    + ", got " + v.dtype() + " " + v.shape());
        }
        PtNDArray src = v.array();
        if (src == array) {
            return;
        }
        backend.copyInto(array, src, sliceMin, sliceMax, sliceStep);
    }

    @Override
    public HostArray toHost() {
        checkOpen();
        return backend.toHost(view);
    }

    @Override
    public void load(HostArray value) {
        checkOpen();
        if (value.dtype() != dtype || !value.shape().equals(shape)) {
            throw new IllegalArgumentException("load into variable '" + name + "': expected " + dtype + " " + shape
                    + ", got " + value.dtype() + " " + value.shape());
        }
        PtNDArray tmp = backend.createArray(value, device, backend.currentManager());
        try {
            backend.copyInto(array, tmp, sliceMin, sliceMax, sliceStep);
        } finally {
            tmp.close();
        }
    }

    /**
     * Takes the gradient that the last backward pass accumulated, owned by the current scope, and
     * leaves the variable with no gradient, so the next backward pass starts from nothing instead of
     * adding to it. Returns null if no gradient reached the variable.
     *
     * <p>libtorch accumulates into {@code .grad} in place, and DJL's collector does not zero it. Rather
     * than copy the gradient out and zero the buffer (two passes over the parameter per step), the
     * variable's tensor is swapped for a fresh leaf over the same storage ({@code detach()} shares
     * storage and version counter), which has no {@code .grad}; the returned tensor then owns the old
     * gradient buffer outright. libtorch's next backward allocates (or steals) a new one.
     */
    PtNDArray takeGradient() {
        PtNDArray grad = JniUtils.getGradient(array);
        if (grad == null) {
            return null;
        }
        PtNDArray fresh = JniUtils.detachGradient(array);
        fresh.setRequiresGradient(true);
        array.intern(fresh); // array now wraps the fresh leaf; the old leaf handle is deleted
        return grad;
    }

    /** Turns gradient tracking of this (trainable) variable on or off. */
    void track(boolean on) {
        JniUtils.attachGradient(array, on);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("variable '" + name + "' has been closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        backend.forget(this);
        array.close();
    }

    @Override
    public String toString() {
        return "PtVariable(" + name + ", " + dtype + " " + shape + (trainable ? ", trainable" : "") + ")";
    }
}
