package dev.lightning4j.tensorflow;

import dev.lightning4j.backend.NativeTensor;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.Shape;
import org.tensorflow.Output;

/**
 * A TensorFlow value: an eager result (owned by a {@link TfScope}) or a symbolic output in the graph
 * of one {@link Trace} (owned by that graph; closing it does nothing).
 */
final class TfTensor implements NativeTensor {
    private final Output<?> output;
    private final Env env;
    private final DType dtype;
    private Shape shape;
    private volatile boolean closed;
    /** The scope that owns this eager tensor; null for graph tensors. Guarded by the scope lock. */
    TfScope owner;

    TfTensor(Output<?> output, Env env) {
        this.output = output;
        this.env = env;
        this.dtype = TfTypes.dtype(output.dataType());
    }

    /** The TF output; fails if this eager tensor was closed. */
    Output<?> output() {
        if (closed) {
            throw new IllegalStateException("this tensor was closed (explicitly or by its TensorScope); "
                    + "keep it with TensorScope.keep(...) to use it after its scope ends");
        }
        return output;
    }

    Env env() {
        return env;
    }

    boolean isEager() {
        return env.isEager();
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public Shape shape() {
        Shape s = shape;
        if (s == null) {
            s = TfTypes.shape(output().shape());
            shape = s;
        }
        return s;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public Device device() {
        return Device.cpu();
    }

    @Override
    public void close() {
        if (!env.isEager()) {
            return; // symbolic: the graph owns it
        }
        TfScope s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            s = owner;
            owner = null;
        }
        if (s != null) {
            s.forget(this);
        }
        EagerRelease.release(output.op());
    }

    /** Frees without telling the owner (the owner is closing). */
    void closeFromScope() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            owner = null;
        }
        EagerRelease.release(output.op());
    }

    @Override
    public String toString() {
        return "TfTensor(" + (closed ? "closed" : shape() + ", " + dtype) + ", " + env.describe() + ")";
    }
}
