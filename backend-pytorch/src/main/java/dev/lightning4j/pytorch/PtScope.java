package dev.lightning4j.pytorch;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import dev.lightning4j.backend.TensorScope;
import dev.lightning4j.tensor.Tensor;

/**
 * A scope of the PyTorch backend: a child DJL manager that owns every tensor created on its thread
 * while it is the innermost open scope. Closing it closes the manager and with it every array
 * (and every nested scope's manager) still attached. Open and close it on one thread.
 */
final class PtScope implements TensorScope {
    private final PyTorchBackend backend;
    private final PyTorchBackend.ThreadState thread;
    private final PtScope parent;
    private final PtNDManager parentManager;
    private final PtNDManager manager;
    private boolean closed;

    PtScope(PyTorchBackend backend, PyTorchBackend.ThreadState thread, PtScope parent,
            PtNDManager parentManager, PtNDManager manager) {
        this.backend = backend;
        this.thread = thread;
        this.parent = parent;
        this.parentManager = parentManager;
        this.manager = manager;
    }

    PtNDManager manager() {
        return manager;
    }

    @Override
    public Tensor keep(Tensor tensor) {
        if (closed) {
            throw new IllegalStateException("keep: this scope has already been closed");
        }
        PtTensor pt = backend.unwrap(tensor.nativeTensor(), "keep");
        if (pt.isBorrowed()) {
            return tensor; // a variable's value: owned by the variable, not by any scope
        }
        PtNDArray array = pt.array();
        // Move it if this scope or a scope nested in it owns it; an outer owner already outlives us.
        for (NDManager m = array.getManager(); m != null; m = m.getParentManager()) {
            if (m == manager) {
                array.attach(parentManager);
                break;
            }
            if (m == parentManager) {
                break;
            }
        }
        return tensor;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Pop this scope, and any nested scope left open (their managers are children of ours and
        // close with it), but only if this scope is still on the thread's stack.
        for (PtScope s = thread.top; s != null; s = s.parent) {
            if (s == this) {
                for (PtScope inner = thread.top; inner != this; inner = inner.parent) {
                    inner.closed = true;
                }
                thread.top = parent;
                break;
            }
        }
        manager.close();
    }
}
