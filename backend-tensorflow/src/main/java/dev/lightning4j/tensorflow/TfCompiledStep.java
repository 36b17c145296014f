package dev.lightning4j.tensorflow;

import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.Gradients;
import dev.lightning4j.backend.StepContext;
import dev.lightning4j.backend.StepFunction;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import dev.lightning4j.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/**
 * A step traced into the backend's graph. It traces on the first run and again only for a new input
 * signature (names, dtypes, and shapes without the batch dimension, which is left unknown in the
 * graph so that a smaller last batch reuses the trace). Every run is one {@code Session.run}: feed
 * the batch and the per-run scalars, fetch the outputs, and execute the recorded assignments.
 */
public final class TfCompiledStep implements CompiledStep {
    private static final Logger LOG = LoggerFactory.getLogger(TfCompiledStep.class);

    private final TensorFlowBackend backend;
    private final String name;
    private final StepFunction fn;
    private final Map<String, Plan> plans = new HashMap<>();
    private Plan last;
    /** Traces whose first run was instrumented for the XLA diagnostics (by identity). */
    private final Set<Plan> inspected = Collections.newSetFromMap(new IdentityHashMap<>());
    private int traceCount;
    private boolean closed;

    TfCompiledStep(TensorFlowBackend backend, String name, StepFunction fn) {
        this.backend = backend;
        this.name = name;
        this.fn = fn;
    }

    /** How many times the step function has been traced (1 after the first run unless the input signature changed). */
    public synchronized int traceCount() {
        return traceCount;
    }

    @Override
    public Map<String, HostArray> run(Map<String, HostArray> inputs) {
        return run(inputs, false, null);
    }

    /**
     * Runs the step like {@link #run(Map)} but asks TensorFlow for the run's partition graphs and step
     * stats, for tests and diagnostics (whether XLA clusters were built and ran, for example).
     */
    RunMetadata runWithMetadata(Map<String, HostArray> inputs) {
        RunMetadata[] metadata = new RunMetadata[1];
        run(inputs, true, m -> metadata[0] = m);
        return metadata[0];
    }

    private Map<String, HostArray> run(Map<String, HostArray> inputs, boolean instrument, Consumer<RunMetadata> sink) {
        Plan plan;
        boolean firstXlaRun;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("compiled step '" + name + "' was closed");
            }
            plan = last;
            if (plan == null || !plan.matches(inputs)) {
                String key = signature(inputs);
                plan = plans.get(key);
                if (plan == null) {
                    plan = trace(inputs, key);
                    plans.put(key, plan);
                }
                last = plan;
            }
            firstXlaRun = backend.xlaEnabled() && inspected.add(plan);
        }
        if (!instrument && !firstXlaRun) {
            return plan.execute(backend.session(), inputs, null, null);
        }
        // One instrumented run per trace is enough: TensorFlow compiles a cluster on its first execution.
        return plan.execute(backend.session(), inputs, XlaDiagnostics.INSTRUMENTED, metadata -> {
            if (firstXlaRun) {
                backend.recordXlaLaunches(name, XlaDiagnostics.executedLaunches(metadata));
            }
            if (sink != null) {
                sink.accept(metadata);
            }
        });
    }

    private static String signature(Map<String, HostArray> inputs) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, HostArray> e : new TreeMap<>(inputs).entrySet()) {
            Shape s = e.getValue().shape();
            sb.append(e.getKey()).append(':').append(e.getValue().dtype()).append(s.rank() == 0 ? "[]" : "[?");
            for (int i = 1; i < s.rank(); i++) {
                sb.append(',').append(s.get(i));
            }
            sb.append(s.rank() == 0 ? "" : "]").append(' ');
        }
        return sb.toString().trim();
    }

    private Plan trace(Map<String, HostArray> inputs, String signature) {
        traceCount++;
        if (traceCount == 1) {
            LOG.debug("tracing step '{}' for inputs {}", name, signature);
        } else {
            LOG.debug("retracing step '{}' (trace #{}) for new input signature {}", name, traceCount, signature);
        }
        backend.graphLock().lock();
        try {
            Trace trace = backend.newTrace(name);
            return backend.withTrace(trace, () -> build(trace, new TreeMap<>(inputs)));
        } finally {
            backend.graphLock().unlock();
        }
    }

    private Plan build(Trace trace, TreeMap<String, HostArray> inputs) {
        int n = inputs.size();
        String[] names = new String[n];
        DType[] dtypes = new DType[n];
        long[][] tails = new long[n][];
        Output<?>[] placeholders = new Output<?>[n];
        Map<String, Tensor> traced = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, HostArray> e : inputs.entrySet()) {
            HostArray h = e.getValue();
            long[] dims = h.shape().dims();
            if (dims.length > 0) {
                dims[0] = -1; // the batch dimension: unknown, so any batch size reuses this trace
            }
            org.tensorflow.ndarray.Shape phShape = org.tensorflow.ndarray.Shape.of(dims);
            Output<?> ph = trace.scope().opBuilder("Placeholder", TensorFlowBackend.sanitize(e.getKey()))
                    .setAttr("dtype", TfTypes.dataType(h.dtype())).setAttr("shape", phShape).build().output(0);
            names[i] = e.getKey();
            dtypes[i] = h.dtype();
            tails[i] = dims;
            placeholders[i] = ph;
            traced.put(e.getKey(), Tensor.wrap(backend, new TfTensor(ph, trace)));
            i++;
        }
        Map<String, Tensor> out = fn.apply(new Context(trace), traced);
        if (out == null) {
            throw new IllegalStateException("step '" + name + "' returned null; return a (possibly empty) map of outputs");
        }
        List<String> outNames = new ArrayList<>(out.size());
        List<Output<?>> fetches = new ArrayList<>(out.size());
        // Outputs that are the same graph tensor (a logged loss is often the loss) are fetched once.
        Map<Output<?>, Integer> fetchOf = new HashMap<>();
        int[] outFetch = new int[out.size()];
        for (Map.Entry<String, Tensor> e : out.entrySet()) {
            Output<?> o = trace.input(backend.tf(e.getValue().nativeTensor()));
            Integer index = fetchOf.get(o);
            if (index == null) {
                index = fetches.size();
                fetchOf.put(o, index);
                // Identity gives every fetch its own node, so fetching a fed placeholder or a variable read is safe.
                fetches.add(trace.build("Identity", b -> b.addInput(o)).output(0));
            }
            outFetch[outNames.size()] = index;
            outNames.add(e.getKey());
        }
        List<Trace.ScalarGroup> groups = trace.scalarGroups();
        return new Plan(names, dtypes, tails, placeholders,
                groups.stream().map(Trace.ScalarGroup::placeholder).toArray(Output<?>[]::new),
                groups.stream().map(Trace.ScalarGroup::dtype).toArray(DType[]::new),
                groups.stream().map(g -> g.values().toArray(DoubleSupplier[]::new)).toArray(DoubleSupplier[][]::new),
                outNames.toArray(String[]::new), outFetch, fetches.toArray(Output<?>[]::new),
                trace.assigns().toArray(GraphOperation[]::new));
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            plans.clear();
            inspected.clear();
            last = null;
            backend.forget(this);
        }
    }

    private static final Shape GROUP_SHAPE = Shape.of(Trace.SCALARS_PER_GROUP);

    /** What one trace needs per run, precomputed so that a run does no lookups by name. */
    private record Plan(String[] names, DType[] dtypes, long[][] tails, Output<?>[] placeholders,
                        Output<?>[] scalarPlaceholders, DType[] scalarTypes, DoubleSupplier[][] scalarValues,
                        String[] outNames, int[] outFetch, Output<?>[] fetches, GraphOperation[] targets) {

        boolean matches(Map<String, HostArray> inputs) {
            if (inputs.size() != names.length) {
                return false;
            }
            for (int i = 0; i < names.length; i++) {
                HostArray h = inputs.get(names[i]);
                if (h == null || h.dtype() != dtypes[i]) {
                    return false;
                }
                Shape s = h.shape();
                long[] t = tails[i];
                if (s.rank() != t.length) {
                    return false;
                }
                for (int d = 1; d < t.length; d++) {
                    if (s.get(d) != t[d]) {
                        return false;
                    }
                }
            }
            return true;
        }

        /** One {@code Session.run}; with {@code options}, the run's metadata goes to {@code metadata}. */
        Map<String, HostArray> execute(Session session, Map<String, HostArray> inputs, RunOptions options,
                                       Consumer<RunMetadata> metadata) {
            org.tensorflow.Tensor[] fed = new org.tensorflow.Tensor[names.length + scalarPlaceholders.length];
            try {
                Session.Runner r = session.runner();
                for (int i = 0; i < names.length; i++) {
                    fed[i] = TfTypes.toTf(inputs.get(names[i]));
                    r.feed(placeholders[i], fed[i]);
                }
                for (int j = 0; j < scalarPlaceholders.length; j++) {
                    DoubleSupplier[] group = scalarValues[j];
                    double[] values = new double[Trace.SCALARS_PER_GROUP];
                    for (int k = 0; k < group.length; k++) {
                        values[k] = group[k].getAsDouble();
                    }
                    org.tensorflow.Tensor t = TfTypes.toTf(HostArray.fromDoubles(values, scalarTypes[j], GROUP_SHAPE));
                    fed[names.length + j] = t;
                    r.feed(scalarPlaceholders[j], t);
                }
                for (Output<?> f : fetches) {
                    r.fetch(f);
                }
                for (GraphOperation t : targets) {
                    r.addTarget(t);
                }
                if (options != null) {
                    r.setOptions(options);
                }
                try (Result res = options != null ? r.runAndFetchMetadata() : r.run()) {
                    if (metadata != null) {
                        res.getMetadata().ifPresent(metadata);
                    }
                    Map<String, HostArray> out = new LinkedHashMap<>(outNames.length * 2);
                    for (int k = 0; k < outNames.length; k++) {
                        out.put(outNames[k], TfTypes.toHost(res.get(outFetch[k])));
                    }
                    return out;
                }
            } finally {
                for (org.tensorflow.Tensor t : fed) {
                    if (t != null) {
                        t.close();
                    }
                }
            }
        }

        @Override
        public String toString() {
            return "Plan" + Arrays.toString(names);
        }
    }

    /** The ops {@code y} depends on through data edges (the only edges gradients follow). */
    private static Set<GraphOperation> ancestors(Output<?> y) {
        Set<GraphOperation> seen = new HashSet<>();
        ArrayDeque<GraphOperation> todo = new ArrayDeque<>();
        todo.add((GraphOperation) y.op());
        while (!todo.isEmpty()) {
            GraphOperation op = todo.poll();
            if (seen.add(op)) {
                int n = op.numInputs();
                for (int i = 0; i < n; i++) {
                    todo.add((GraphOperation) op.input(i).op());
                }
            }
        }
        return seen;
    }

    private static boolean isNoGradient(Output<?> g) {
        var handle = ((GraphOperation) g.op()).getUnsafeNativeHandle();
        return handle == null || handle.isNull();
    }

    /** The step context of one trace. */
    private final class Context implements StepContext {
        private final Trace trace;

        Context(Trace trace) {
            this.trace = trace;
        }

        @Override
        public Tensor scalar(String key, DType dtype, DoubleSupplier value) {
            return Tensor.wrap(backend, new TfTensor(trace.scalar(key, dtype, value), trace));
        }

        @Override
        public Gradients valueAndGrad(Supplier<Tensor> loss, List<Variable> wrt) {
            Output<?>[] xs = new Output<?>[wrt.size()];
            TfVariable[] vars = new TfVariable[wrt.size()];
            boolean[] viewed = new boolean[wrt.size()];
            for (int i = 0; i < xs.length; i++) {
                if (!(wrt.get(i) instanceof TfVariable v) || v.backend() != backend) {
                    throw new IllegalArgumentException("valueAndGrad in step '" + name + "': " + wrt.get(i)
                            + " is not a variable of this TensorFlow backend");
                }
                if (!v.trainable()) {
                    throw new IllegalArgumentException("valueAndGrad in step '" + name + "': variable '" + v.name()
                            + "' is not trainable");
                }
                vars[i] = v;
                // The value the loss will use; for a view of a transposed-stored kernel, the stored value,
                // which a conv reads directly (the view is then not on the loss's path).
                Output<?> current = trace.read(v).output();
                Output<?> stored = trace.storedSource(current);
                viewed[i] = stored != null;
                xs[i] = viewed[i] ? stored : current;
            }
            Tensor value = loss.get();
            TfTensor y = backend.tf(value.nativeTensor());
            if (!y.dtype().isFloating() || y.shape().rank() != 0) {
                throw new IllegalArgumentException("valueAndGrad in step '" + name + "': the loss must be a floating scalar, got "
                        + y.dtype() + " " + y.shape());
            }
            Output<?> yo = trace.input(y);
            // TF refuses variables the loss does not depend on; differentiate only the reachable ones.
            Set<GraphOperation> ancestors = ancestors(yo);
            List<Output<?>> reachable = new ArrayList<>(xs.length);
            for (Output<?> x : xs) {
                if (ancestors.contains((GraphOperation) x.op())) {
                    reachable.add(x);
                }
            }
            Output<?>[] dy = reachable.isEmpty() ? new Output<?>[0] : trace.graph().addGradients(
                    trace.gradientPrefix(), new Output<?>[] {yo}, reachable.toArray(Output<?>[]::new), null);
            List<Tensor> grads = new ArrayList<>(xs.length);
            for (int i = 0, r = 0; i < xs.length; i++) {
                Output<?> g = ancestors.contains((GraphOperation) xs[i].op()) ? dy[r++] : null;
                if (g != null && isNoGradient(g)) {
                    g = null; // TF's "no gradient": every path to the variable passes through zero-gradient ops
                }
                if (g == null) {
                    // The loss does not depend on this variable: its gradient is zero, as in PyTorch's zero-filled grads.
                    grads.add(Tensor.wrap(backend, backend.kernels().full(vars[i].shape(), 0, vars[i].dtype(), backend.devices().get(0))));
                } else {
                    // In the torch layout; a fused optimizer update sees through the view to g itself.
                    grads.add(Tensor.wrap(backend, new TfTensor(viewed[i] ? trace.logicalView(g) : g, trace)));
                }
            }
            return new Gradients(Tensor.wrap(backend, y), grads);
        }
    }
}
