package dev.lightning4j.pytorch;

import ai.djl.pytorch.engine.PtNDArray;
import dev.lightning4j.backend.NativeTensor;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.Shape;

/**
 * The PyTorch backend's tensor: a DJL {@link PtNDArray} plus the metadata the API asks for on every
 * op. Shape and dtype are cached because each query would otherwise cross JNI.
 *
 * <p>A tensor is either owned (its array belongs to a scope's manager and {@link #close()} frees it)
 * or borrowed (it views a {@link PtVariable}'s array, and closing it does nothing).
 */
final class PtTensor implements NativeTensor {
    private final PtNDArray array;
    private final Device device;
    private final boolean borrowed;
    private DType dtype;
    private Shape shape;

    PtTensor(PtNDArray array, DType dtype, Device device) {
        this(array, dtype, device, null, false);
    }

    PtTensor(PtNDArray array, DType dtype, Device device, Shape shape, boolean borrowed) {
        this.array = array;
        this.dtype = dtype;
        this.device = device;
        this.shape = shape;
        this.borrowed = borrowed;
    }

    /** The DJL array; fails clearly when the tensor was closed (directly or by its scope). */
    PtNDArray array() {
        if (array.isReleased()) {
            throw closed();
        }
        return array;
    }

    /** The DJL array without the liveness check, for ownership bookkeeping. */
    PtNDArray rawArray() {
        return array;
    }

    boolean isBorrowed() {
        return borrowed;
    }

    private IllegalStateException closed() {
        return new IllegalStateException("tensor " + (shape == null ? "" : shape + " ")
                + (dtype == null ? "" : dtype + " ") + "has been closed: it belonged to a scope that has ended, or"
                + " close() was called; keep it with TensorScope.keep(...) to use it after its scope");
    }

    /** The shape if already known (cached), else null; never queries the engine. */
    Shape knownShape() {
        return shape;
    }

    @Override
    public Shape shape() {
        Shape s = shape;
        if (s == null) {
            // getShape() is one JNI call, cached by DJL; Shape.of copies the dims once.
            s = Shape.of(array().getShape().getShape());
            shape = s;
        }
        return s;
    }

    @Override
    public DType dtype() {
        DType t = dtype;
        if (t == null) {
            t = PtTypes.fromDjl(array().getDataType());
            dtype = t;
        }
        return t;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public void close() {
        if (!borrowed && !array.isReleased()) {
            array.close();
        }
    }

    @Override
    public String toString() {
        return "PtTensor(" + (array.isReleased() ? "closed" : shape() + ", " + dtype()) + ", " + device
                + (borrowed ? ", borrowed" : "") + ")";
    }
}
