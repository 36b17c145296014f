package dev.lightning4j.tensorflow;

import dev.lightning4j.backend.NativeTensor;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Scope;
import org.tensorflow.types.TInt32;

/**
 * A resource variable in the backend's graph ({@code VarHandleOp}), living in the backend's one
 * long-lived {@link Session}. Between steps it is read and loaded through a fixed read op and a
 * placeholder-fed assign op built once at creation; inside a trace it is read and assigned through
 * the {@link Trace}, which gives it eager-like semantics.
 *
 * <p>A rank-4 variable (a conv kernel {@code [O, I, kh, kw]}, and the optimizer slots and gradient
 * accumulators of one, which have its shape) is stored in TensorFlow's filter layout HWIO
 * {@code [kh, kw, I, O]}. Its shape, reads, assignments, {@link #toHost} and {@link #load} stay in
 * the torch layout; inside a trace a read is a {@code Transpose} of the stored value that the conv
 * kernel, the gradient and the fused optimizer update see through, so a training step moves no
 * kernel between layouts (two transposes per conv per step otherwise, forward and backward).
 */
final class TfVariable implements Variable {
    /** The permutation from the torch layout OIHW to the stored HWIO (also the conv kernel's). */
    static final int[] TO_STORED = {2, 3, 1, 0};
    /** The permutation from the stored HWIO back to OIHW. */
    static final int[] TO_LOGICAL = {3, 2, 0, 1};

    private final TensorFlowBackend backend;
    private final String name;
    private final Shape shape;
    private final DType dtype;
    private final boolean trainable;
    private final Output<?> handle;
    private final Output<?> loadValue;
    private final Operation loadOp;
    private final Output<?> hostRead;
    private volatile boolean closed;

    TfVariable(TensorFlowBackend backend, String name, Shape shape, DType dtype, boolean trainable,
               Output<?> handle, Output<?> loadValue, Operation loadOp, Output<?> hostRead) {
        this.backend = backend;
        this.name = name;
        this.shape = shape;
        this.dtype = dtype;
        this.trainable = trainable;
        this.handle = handle;
        this.loadValue = loadValue;
        this.loadOp = loadOp;
        this.hostRead = hostRead;
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

    /** True when the variable is stored transposed by {@link #TO_STORED} (rank 4). */
    boolean storedTransposed() {
        return storedTransposed(shape);
    }

    static boolean storedTransposed(Shape logical) {
        return logical.rank() == 4;
    }

    /** A {@code Transpose} of {@code x} by {@code perm}, named {@code name} in {@code scope}. */
    static Output<?> transpose(Scope scope, Output<?> x, int[] perm, String name) {
        Output<?> p;
        try (Tensor t = TInt32.vectorOf(perm)) {
            p = scope.opBuilder("Const", name + "_perm").setAttr("value", t).setAttr("dtype", t.dataType()).build().output(0);
        }
        return scope.opBuilder("Transpose", name).addInput(x).addInput(p).build().output(0);
    }

    Output<?> handle() {
        checkOpen();
        return handle;
    }

    TensorFlowBackend backend() {
        return backend;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("variable '" + name + "' was closed");
        }
    }

    @Override
    public NativeTensor read() {
        checkOpen();
        Trace trace = backend.currentTrace();
        if (trace != null) {
            return trace.read(this);
        }
        // Between steps: an eager copy owned by the caller's scope.
        try (Result r = backend.session().runner().fetch(hostRead).run()) {
            return backend.ownEager(new TfTensor(backend.eager().constant(r.get(0)), backend.eager()));
        }
    }

    @Override
    public void assign(NativeTensor value) {
        checkOpen();
        TfTensor v = backend.tf(value);
        checkValue(v.shape(), v.dtype(), "assign");
        Trace trace = backend.currentTrace();
        if (trace != null) {
            trace.assign(this, v);
            return;
        }
        if (!v.isEager()) {
            throw new IllegalStateException("variable '" + name + "': cannot assign a tensor from "
                    + v.env().describe() + " outside that step");
        }
        runLoad(v.output().asTensor());
    }

    @Override
    public HostArray toHost() {
        checkOpen();
        backend.requireNoTrace("read variable '" + name + "'", "read it after the step (or return its value from the step)");
        try (Result r = backend.session().runner().fetch(hostRead).run()) {
            return TfTypes.toHost(r.get(0));
        }
    }

    @Override
    public void load(HostArray value) {
        checkOpen();
        backend.requireNoTrace("load variable '" + name + "'", "load it before or after the step");
        checkValue(value.shape(), value.dtype(), "load");
        try (Tensor t = TfTypes.toTf(value)) {
            runLoad(t);
        }
    }

    /** Runs the creation-time assign op with {@code value} fed. */
    void runLoad(Tensor value) {
        Result r = backend.session().runner().feed(loadValue, value).addTarget(loadOp).run();
        r.close();
    }

    private void checkValue(Shape s, DType t, String op) {
        boolean compatible = s.rank() == shape.rank();
        for (int i = 0; compatible && i < s.rank(); i++) {
            compatible = s.get(i) == shape.get(i) || s.get(i) == Shape.UNKNOWN; // unknown only while tracing
        }
        if (t != dtype || !compatible) {
            throw new IllegalArgumentException("variable '" + name + "' " + op + ": expected " + dtype + " " + shape
                    + ", got " + t + " " + s);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        backend.destroyVariable(this, handle);
    }

    @Override
    public String toString() {
        return "TfVariable(" + name + ", " + dtype + " " + shape + (trainable ? ", trainable" : "") + ")";
    }
}
