package dev.lightning4j.tensorflow;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.DeterminismControl;
import dev.lightning4j.backend.JitCompilation;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.tensorflow.EagerSession;
import org.tensorflow.Graph;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.OptimizerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TensorFlow Java (graph mode) behind the Lightning4J SPI.
 *
 * <p>Two contexts: ops called outside steps run eagerly on a private {@link EagerSession}, their
 * results owned by {@link TensorScope}s; a compiled step is traced into the backend's one
 * {@link Graph} and run with one {@link Session} call per batch. Variables are resource variables in
 * that same graph, so every trace (and every retrace) shares them.
 *
 * <p><b>Optional features.</b> {@link JitCompilation}: mode {@code xla} turns on XLA auto-clustering
 * for the graph session, on CPU too. {@link DeterminismControl}: see {@link #setDeterministic}. Both
 * must be chosen before the backend holds variables, because changing the session's configuration
 * means creating a new session, and variable values live in the session.
 */
public final class TensorFlowBackend implements Backend, JitCompilation, DeterminismControl {
    /** The name users select this backend by. */
    public static final String NAME = "tensorflow";

    /** The JIT modes this backend offers ({@link JitCompilation}). */
    public static final Set<String> JIT_MODES = Set.of("xla");

    /** The environment variable through which TensorFlow's native code alone lets op determinism be required. */
    static final String DETERMINISTIC_OPS_ENV = "TF_DETERMINISTIC_OPS";

    private static final Logger LOG = LoggerFactory.getLogger(TensorFlowBackend.class);
    private static final AtomicBoolean WARNED_DETERMINISM = new AtomicBoolean();

    private static final List<Device> DEVICES = List.of(Device.cpu());

    private final EagerSession eagerSession;
    private final EagerEnv eager;
    private final Graph graph;
    /** Replaced only by {@link #reconfigureSession}, while no variables exist; volatile for the threads that run steps. */
    private volatile Session session;
    /** The configuration {@link #session} was created with; null means TensorFlow's defaults. */
    private ConfigProto sessionConfig;
    /**
     * How {@link #reconfigureSession} opens the replacement: a local session, or the one
     * {@link #replaceSession} installed (a collective server's), so that the order in which the JIT
     * mode and a distributed join are applied does not matter.
     */
    private BiFunction<Graph, ConfigProto, Session> sessionFactory = Session::new;
    private volatile String jitMode = "none";
    private volatile boolean deterministic;
    /** Diagnostics for {@code xla}: per step name, the XLA cluster launches seen executing (see {@link #xlaLaunches()}). */
    private final Map<String, List<String>> xlaLaunches = new LinkedHashMap<>();
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

    // ------------------------------------------------------------------ optional features

    @Override
    public Set<String> jitModes() {
        return JIT_MODES;
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code xla}: XLA auto-clustering. The session is recreated with
     * {@code graph_options.optimizer_options.global_jit_level = ON_1} (and {@code cpu_global_jit}), and
     * the process-wide flag {@code tf_xla_cpu_global_jit} is set with {@code TF_SetTfXlaCpuGlobalJit},
     * because TensorFlow only auto-clusters CPU code when that flag is on. The flag stays on for the
     * process; it is harmless for other sessions, whose jit level stays at its default (off). Ops
     * that XLA cannot compile keep running on TensorFlow's own kernels.
     */
    @Override
    public void useJit(String mode) {
        String m = mode == null ? "" : mode.trim().toLowerCase(Locale.ROOT);
        if (!JIT_MODES.contains(m)) {
            throw new IllegalArgumentException("unknown JIT mode '" + mode + "' for the TensorFlow backend; its modes are "
                    + String.join(", ", JIT_MODES));
        }
        reconfigureSession("JIT mode " + m, config -> {
            // Must be set before the session's first run: MarkForCompilationPass reads it when the graph is optimised.
            tensorflow.TF_SetTfXlaCpuGlobalJit((byte) 1);
            OptimizerOptions.Builder opt = config.getGraphOptionsBuilder().getOptimizerOptionsBuilder();
            opt.setGlobalJitLevel(OptimizerOptions.GlobalJitLevel.ON_1).setCpuGlobalJit(true);
            return config;
        });
        jitMode = m;
    }

    /** The JIT mode in force: {@code none} or {@code xla}. */
    public String jitMode() {
        return jitMode;
    }

    /**
     * Diagnostics for {@code compile: xla}: for each compiled step (by name), the XLA cluster launch
     * nodes ({@code _XlaRun} or {@code XlaLaunch}, "node (op)") that TensorFlow placed in the graph
     * partitions and reported as executed, observed on the first run of each trace. Those runs ask
     * for partition graphs and step stats ({@link XlaDiagnostics}); later runs are not instrumented.
     * Empty while the JIT is off.
     */
    public Map<String, List<String>> xlaLaunches() {
        synchronized (xlaLaunches) {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            xlaLaunches.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            return copy;
        }
    }

    boolean xlaEnabled() {
        return "xla".equals(jitMode);
    }

    void recordXlaLaunches(String stepName, List<String> launches) {
        synchronized (xlaLaunches) {
            xlaLaunches.computeIfAbsent(stepName, k -> new ArrayList<>()).addAll(launches);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>What TensorFlow Java lets this backend control: its own randomness is already a function of
     * {@link #manualSeed} (graph dropout ops carry explicit seeds, eager ones are stateless), and
     * TensorFlow's CPU kernels give the same bits run after run with the session's fixed thread
     * pools. TensorFlow's op-determinism switch ({@code tf.config.experimental.enable_op_determinism}
     * in Python) is not part of the C API that TensorFlow Java 1.1.0 binds: the native library reads
     * it only from the environment variable {@value #DETERMINISTIC_OPS_ENV}, once, and a JVM cannot
     * set its own environment. When that variable is not set to {@code 1} or {@code true}, turning
     * deterministic mode on logs a warning that says so, instead of failing, because CPU runs are
     * reproducible without it.
     */
    @Override
    public void setDeterministic(boolean on) {
        checkOpen();
        if (on && !deterministicOpsFromEnvironment() && !WARNED_DETERMINISM.getAndSet(true)) {
            // Once per process: the environment cannot change while the JVM runs.
            LOG.warn("deterministic mode on TensorFlow: its op-determinism switch can only be set from the environment "
                    + "({}=1 before the JVM starts) because TensorFlow Java's C API does not expose it; seeded ops and "
                    + "CPU kernels are reproducible, but kernels that consult the switch (oneDNN, GPU) may not be", DETERMINISTIC_OPS_ENV);
        }
        deterministic = on;
    }

    @Override
    public boolean isDeterministic() {
        return deterministic;
    }

    /** True when TensorFlow's native code will require deterministic ops ({@value #DETERMINISTIC_OPS_ENV} set). */
    static boolean deterministicOpsFromEnvironment() {
        String v = System.getenv(DETERMINISTIC_OPS_ENV);
        return v != null && (v.trim().equals("1") || v.trim().equalsIgnoreCase("true"));
    }

    /**
     * Replaces the session by one created with the changed configuration. Variable values live in the
     * session, so this is refused once any exist rather than losing them; traced steps keep working
     * because they refer to the graph, not to the session.
     */
    private void reconfigureSession(String what, UnaryOperator<ConfigProto.Builder> change) {
        checkOpen();
        graphLock.lock();
        try {
            int live;
            synchronized (variables) {
                live = variables.size();
            }
            if (live > 0) {
                throw new IllegalStateException("cannot switch the TensorFlow backend to " + what + ": it already holds "
                        + live + " variable(s), whose values would be lost with the session that must be recreated; "
                        + "choose it before creating variables (the Trainer does so right after creating the backend)");
            }
            ConfigProto.Builder builder = sessionConfig == null ? ConfigProto.newBuilder() : sessionConfig.toBuilder();
            ConfigProto next = change.apply(builder).build();
            Session fresh = sessionFactory.apply(graph, next);
            Session old = session;
            session = fresh;
            sessionConfig = next;
            old.close();
        } finally {
            graphLock.unlock();
        }
    }

    /**
     * Distributed data parallel: replaces the session by {@code open(graph, configuration)}, a
     * session on the job's collective server ({@link TfDistributedSupport}), keeping the current
     * configuration (JIT options). As {@link #reconfigureSession}, only while no variables exist.
     */
    void replaceSession(String what, java.util.function.BiFunction<Graph, ConfigProto, Session> open) {
        checkOpen();
        graphLock.lock();
        try {
            int live;
            synchronized (variables) {
                live = variables.size();
            }
            if (live > 0) {
                throw new IllegalStateException("cannot switch the TensorFlow backend to " + what + ": it already holds "
                        + live + " variable(s), whose values live in the current session; join before placing a model");
            }
            Session fresh = open.apply(graph, sessionConfig == null ? ConfigProto.getDefaultInstance() : sessionConfig);
            Session old = session;
            session = fresh;
            sessionFactory = open; // a later reconfigureSession (JIT mode) reopens through the same server
            old.close();
        } finally {
            graphLock.unlock();
        }
    }

    /** The configuration of the current session (TensorFlow's defaults when it was never changed). */
    ConfigProto sessionConfig() {
        graphLock.lock();
        try {
            return sessionConfig == null ? ConfigProto.getDefaultInstance() : sessionConfig;
        } finally {
            graphLock.unlock();
        }
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
            boolean transposed = TfVariable.storedTransposed(initial.shape());
            org.tensorflow.ndarray.Shape stored = transposed ? TfTypes.tfShape(permute(initial.shape(), TfVariable.TO_STORED)) : shape;
            var dt = TfTypes.dataType(initial.dtype());
            // The shared name is the op's own unique name, so the resource belongs to this variable alone.
            String handleName = s.makeOpName("handle");
            Output<?> handleNamed = graph.opBuilder("VarHandleOp", handleName, s)
                    .setAttr("dtype", dt).setAttr("shape", stored).setAttr("shared_name", handleName).build().output(0);
            // Loaded and read between steps in the torch layout; stored transposed when rank 4 (see TfVariable).
            Output<?> value = s.opBuilder("Placeholder", "value").setAttr("dtype", dt).setAttr("shape", shape).build().output(0);
            Output<?> storedValue = transposed ? TfVariable.transpose(s, value, TfVariable.TO_STORED, "to_stored") : value;
            Operation load = s.opBuilder("AssignVariableOp", "load")
                    .addInput(handleNamed).addInput(storedValue).setAttr("dtype", dt).build();
            Output<?> storedRead = s.opBuilder("ReadVariableOp", "read").addInput(handleNamed).setAttr("dtype", dt).build().output(0);
            Output<?> read = transposed ? TfVariable.transpose(s, storedRead, TfVariable.TO_LOGICAL, "to_logical") : storedRead;
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

    private static Shape permute(Shape shape, int[] perm) {
        long[] dims = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            dims[i] = shape.get(perm[i]);
        }
        return Shape.of(dims);
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
