package dev.lightning4j.tensorflow;

import dev.lightning4j.backend.TensorScope;
import dev.lightning4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Owns eager tensors created on its thread while it is the innermost open scope. Graph tensors are
 * symbolic and owned by their graph, so they are never registered here (that also keeps tracing
 * cheap).
 */
final class TfScope implements TensorScope {
    private final TensorFlowBackend backend;
    private final TfScope parent;
    private final Set<TfTensor> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    TfScope(TensorFlowBackend backend, TfScope parent) {
        this.backend = backend;
        this.parent = parent;
    }

    /** Takes ownership of an eager tensor. */
    synchronized void own(TfTensor t) {
        if (closed) {
            // The scope was closed while its thread still used it; hand the tensor up rather than leak it.
            if (parent != null) {
                parent.own(t);
            } else {
                t.closeFromScope();
            }
            return;
        }
        t.owner = this;
        owned.add(t);
    }

    synchronized void forget(TfTensor t) {
        owned.remove(t);
    }

    @Override
    public Tensor keep(Tensor tensor) {
        if (parent != null && tensor.nativeTensor() instanceof TfTensor t && t.isEager()) {
            boolean mine;
            synchronized (this) {
                mine = owned.remove(t);
            }
            if (mine) {
                parent.own(t);
            }
        }
        return tensor;
    }

    @Override
    public void close() {
        List<TfTensor> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(owned);
            owned.clear();
        }
        backend.popScope(this);
        for (TfTensor t : toClose) {
            t.closeFromScope();
        }
    }

    /** The number of live tensors it owns (for tests and diagnostics). */
    synchronized int size() {
        return owned.size();
    }
}
