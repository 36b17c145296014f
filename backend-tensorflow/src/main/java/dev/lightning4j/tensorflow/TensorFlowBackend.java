package dev.lightning4j.tensorflow;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.Kernels;
import dev.lightning4j.backend.NativeTensor;
import dev.lightning4j.backend.StepFunction;
import dev.lightning4j.backend.TensorScope;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.tensorflow.EagerSession;
import org.tensorflow.Graph;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Scope;

/**
 * TensorFlow Java (graph mode) behind the Lightning4J SPI.
 *
 * <p>Two contexts: ops called outside steps run eagerly on a private {@link EagerSession}, their
 * results owned by {@link TensorScope}s; a compiled step is traced into the backend's one
 * {@link Graph} and run with one {@link Session} call per batch. Variables are resource variables in
 * that same graph, so every trace (and every retrace) shares them.
 */
public final class TensorFlowBackend implements Backend {
    /** The name users select this backend by. */
    public static final String NAME = "tensorflow";

    private static final List<Device> DEVICES = List.of(Device.cpu());

    private final EagerSession eagerSession;
    private final EagerEnv eager;
    private final Graph graph;
    private final Session session;
    /** Serialises graph construction: tracing and variable creation. Reentrant because optimizers create variables mid-trace. */
    private final ReentrantLock graphLock = new ReentrantLock();
    private final TfScope root;
    private final ThreadLocal<Deque<TfScope>> scopes = ThreadLocal.withInitial(ArrayDeque::new);
    private final ThreadLocal<Trace> trace = new ThreadLocal<>();
    private final TfKernels kernels;
    private final Set<TfVariable> variables = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<TfCompiledStep> steps = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Scope variableScope;
    private final AtomicLong seed = new AtomicLong(System.nanoTime());
    private final AtomicLong seedCounter = new AtomicLong();
    private int variableCount;
    private int traceCount;
    private volatile boolean closed;

    /** Creates the eager context, the graph and its session. */
    @Inject
    public TensorFlowBackend() {
        this.eagerSession = EagerSession.options().build();
        this.eager = new EagerEnv(eagerSession);
        this.graph = new Graph();
        this.session = new Session(graph);
        this.root = new TfScope(this, null);
        this.kernels = new TfKernels(this);
        this.variableScope = graph.baseScope().withSubScope("variables");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Device> devices() {
        return DEVICES;
    }

    @Override
    public Kernels kernels() {
        return kernels;
    }

    // ------------------------------------------------------------------ contexts

    Trace currentTrace() {
        return trace.get();
    }

    EagerEnv eager() {
        return eager;
    }

    Session session() {
        checkOpen();
        return session;
    }

    Graph graph() {
        return graph;
    }

    TfScope rootScope() {
        return root;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the TensorFlow backend was closed");
        }
    }

    /** The context new ops go to: the current trace, else eager. */
    Env env() {
        Trace t = trace.get();
        return t != null ? t : eager;
    }

    /** Registers an eager result with the innermost scope; graph tensors need no owner. */
    TfTensor ownEager(TfTensor t) {
        if (t.isEager()) {
            TfScope s = scopes.get().peek();
            (s != null ? s : root).own(t);
        }
        return t;
    }

    TfTensor tf(NativeTensor t) {
        if (t instanceof TfTensor tt) {
            return tt;
        }
        throw new IllegalArgumentException("expected a TensorFlow tensor, got " + (t == null ? "null" : t.getClass().getName())
                + "; tensors of different backends cannot be mixed");
    }

    void requireNoTrace(String what, String instead) {
        Trace t = trace.get();
        if (t != null) {
            throw new IllegalStateException("cannot " + what + " inside the traced TensorFlow step '" + t.stepName()
                    + "': the step is being compiled into a graph and has no values yet; " + instead);
        }
    }

    /** Runs {@code body} as the current trace of this thread. */
    <T> T withTrace(Trace t, java.util.function.Supplier<T> body) {
        Trace previous = trace.get();
        if (previous != null) {
            throw new IllegalStateException("step '" + t.stepName() + "' was run from inside the traced step '"
                    + previous.stepName() + "'; compiled steps cannot be nested");
        }
        trace.set(t);
        try {
            return body.get();
        } finally {
            trace.remove();
        }
    }

    ReentrantLock graphLock() {
        return graphLock;
    }

    /** A fresh name scope in the graph for one trace of step {@code name}. */
    Trace newTrace(String stepName) {
        String base = sanitize(stepName);
        return new Trace(graph, stepName, graph.baseScope().withSubScope(base + "_trace" + (++traceCount)));
    }

    static String sanitize(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '-' || c == '.' ? c : '_');
        }
        if (sb.length() == 0 || !Character.isLetterOrDigit(sb.charAt(0))) {
            sb.insert(0, 'v');
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ host transfer

    @Override
    public NativeTensor fromHost(HostArray data, Device device) {
        checkDevice(device);
        checkOpen();
        Env env = env();
        try (Tensor t = TfTypes.toTf(data)) {
            return ownEager(new TfTensor(env.constant(t), env));
        }
    }

    @Override
    public HostArray toHost(NativeTensor tensor) {
        TfTensor t = tf(tensor);
        if (!t.isEager()) {
            Trace current = trace.get();
            String step = current != null ? current.stepName() : ((Trace) t.env()).stepName();
            throw new IllegalStateException("cannot read a tensor's value inside a traced TensorFlow step '" + step
                    + "'; return it from the step (log it) and read it after the step");
        }
        // Resolving copies nothing on CPU; the copy into Java happens once in TfTypes.toHost.
        return TfTypes.toHost(t.output().asTensor());
    }

    private static void checkDevice(Device device) {
        if (device.type() != Device.Type.CPU) {
            throw new IllegalArgumentException("the TensorFlow backend runs on cpu only in this build, got device " + device);
        }
    }

    // ------------------------------------------------------------------ variables

    @Override
    public Variable newVariable(String name, HostArray initial, boolean trainable, Device device) {
        checkDevice(device);
        checkOpen();
        graphLock.lock();
        try {
            Scope s = variableScope.withSubScope(sanitize(name) + "_" + (variableCount++));
            org.tensorflow.ndarray.Shape shape = TfTypes.tfShape(initial.shape());
            var dt = TfTypes.dataType(initial.dtype());
            // The shared name is the op's own unique name, so the resource belongs to this variable alone.
            String handleName = s.makeOpName("handle");
            Output<?> handleNamed = graph.opBuilder("VarHandleOp", handleName, s)
                    .setAttr("dtype", dt).setAttr("shape", shape).setAttr("shared_name", handleName).build().output(0);
            Output<?> value = s.opBuilder("Placeholder", "value").setAttr("dtype", dt).setAttr("shape", shape).build().output(0);
            Operation load = s.opBuilder("AssignVariableOp", "load")
                    .addInput(handleNamed).addInput(value).setAttr("dtype", dt).build();
            Output<?> read = s.opBuilder("ReadVariableOp", "read").addInput(handleNamed).setAttr("dtype", dt).build().output(0);
            TfVariable v = new TfVariable(this, name, initial.shape(), initial.dtype(), trainable, handleNamed, value, load, read);
            try (Tensor t = TfTypes.toTf(initial)) {
                v.runLoad(t);
            }
            synchronized (variables) {
                variables.add(v);
            }
            return v;
        } finally {
            graphLock.unlock();
        }
    }

    void destroyVariable(TfVariable v, Output<?> handle) {
        synchronized (variables) {
            if (!variables.remove(v) || closed) {
                return;
            }
        }
        graphLock.lock();
        try {
            Operation destroy = variableScope.opBuilder("DestroyResourceOp", "destroy")
                    .addInput(handle).setAttr("ignore_lookup_error", true).build();
            session.runner().addTarget(destroy).run().close();
        } finally {
            graphLock.unlock();
        }
    }

    // ------------------------------------------------------------------ scopes, steps, seed

    @Override
    public TensorScope newScope() {
        Deque<TfScope> stack = scopes.get();
        TfScope parent = stack.peek();
        TfScope s = new TfScope(this, parent != null ? parent : root);
        stack.push(s);
        return s;
    }

    void popScope(TfScope s) {
        Deque<TfScope> stack = scopes.get();
        stack.removeFirstOccurrence(s); // usually the top; tolerate out-of-order closing
        if (stack.isEmpty()) {
            scopes.remove();
        }
    }

    @Override
    public CompiledStep compile(String name, Device device, StepFunction fn) {
        checkDevice(device);
        checkOpen();
        TfCompiledStep step = new TfCompiledStep(this, name, fn);
        synchronized (steps) {
            steps.add(step);
        }
        return step;
    }

    void forget(TfCompiledStep step) {
        synchronized (steps) {
            steps.remove(step);
        }
    }

    @Override
    public void manualSeed(long value) {
        seed.set(value);
        seedCounter.set(0);
    }

    /** Seeds for the next random op: the user's seed and a per-op counter, so ops differ but runs repeat. */
    long[] nextSeeds() {
        return new long[] {seed.get(), seedCounter.incrementAndGet()};
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        List<TfCompiledStep> openSteps;
        synchronized (steps) {
            openSteps = new ArrayList<>(steps);
        }
        openSteps.forEach(TfCompiledStep::close);
        closed = true;
        root.close();
        session.close();
        graph.close();
        eagerSession.close();
    }

    @Override
    public String toString() {
        return "TensorFlowBackend(" + org.tensorflow.TensorFlow.version() + ")";
    }
}
