package dev.lightning4j.tensorflow;

import dev.lightning4j.tensor.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.op.Scope;

/**
 * One tracing of a step function into the backend's graph, under its own name scope. It records
 * what a run must feed (placeholders, per-run scalars) and which assignments it must execute, and
 * gives variables eager-like semantics within the trace.
 */
final class Trace extends Env {

    /**
     * Per-run scalars of one dtype, fed together as one vector of {@link #SCALARS_PER_GROUP} and split
     * by one {@code Unpack} op: one tensor to create and feed per run instead of one per scalar (an
     * Adam step has four). Unused slots are fed zeros.
     */
    record ScalarGroup(Output<?> placeholder, Operation unpack, DType dtype, List<DoubleSupplier> values) {
    }

    static final int SCALARS_PER_GROUP = 8;

    private final Graph graph;
    private final String stepName;
    private final Scope scope;
    /** The current value of each variable in this trace: its read op, or the last assigned value. */
    private final Map<TfVariable, TfTensor> values = new IdentityHashMap<>();
    /** The one ReadVariableOp per variable, which later assignments must follow. */
    private final Map<TfVariable, Operation> readOps = new IdentityHashMap<>();
    private final Map<TfVariable, Operation> lastAssign = new IdentityHashMap<>();
    private final List<GraphOperation> assigns = new ArrayList<>();
    private final Map<TfTensor, TfTensor> lifted = new IdentityHashMap<>();
    private final List<ScalarGroup> scalarGroups = new ArrayList<>();
    /** The group of each dtype that new scalars go to. */
    private final Map<DType, ScalarGroup> openGroup = new java.util.EnumMap<>(DType.class);
    private final Set<String> scalarKeys = new HashSet<>();
    private final Map<Output<?>, Output<?>> nhwcSources = new HashMap<>();
    private final Map<Output<?>, NhwcFlat> nhwcFlats = new HashMap<>();
    /** Each torch-layout view of a transposed-stored value (see TfVariable): the view -> the stored value. */
    private final Map<Output<?>, Output<?>> storedSources = new HashMap<>();
    private int gradientCount;

    /**
     * {@code rows} is an NHWC tensor {@code [N, H, W, C]} reshaped to {@code [N, H*W*C]}: the values of
     * a flattened NCHW tensor with its columns in (H, W, C) order instead of (C, H, W).
     */
    record NhwcFlat(Output<?> rows, long channels, long height, long width) {
    }

    Trace(Graph graph, String stepName, Scope scope) {
        this.graph = graph;
        this.stepName = stepName;
        this.scope = scope;
    }

    @Override
    Scope scope() {
        return scope;
    }

    @Override
    boolean isEager() {
        return false;
    }

    @Override
    String describe() {
        return "traced step '" + stepName + "'";
    }

    String stepName() {
        return stepName;
    }

    Graph graph() {
        return graph;
    }

    /** {@code t} as an output of this graph: eager values become constants (once per trace). */
    Output<?> input(TfTensor t) {
        if (t.env() == this) {
            return t.output();
        }
        if (t.isEager()) {
            TfTensor c = lifted.get(t);
            if (c == null) {
                // asTensor() resolves the eager handle; Const copies it into the graph definition.
                c = new TfTensor(constant(t.output().asTensor()), this);
                lifted.put(t, c);
            }
            return c.output();
        }
        throw new IllegalStateException("a tensor from " + t.env().describe() + " was used while tracing step '"
                + stepName + "'; tensors computed inside a step cannot be kept across steps or steps "
                + "(return them as outputs, or keep a Variable instead)");
    }

    /** The variable's value in this trace, in the torch layout. */
    TfTensor read(TfVariable v) {
        TfTensor t = values.get(v);
        if (t == null) {
            Operation read = build("ReadVariableOp",
                    b -> b.addInput(v.handle()).setAttr("dtype", TfTypes.dataType(v.dtype())));
            readOps.put(v, read);
            t = view(v, read.output(0));
            values.put(v, t);
        }
        return t;
    }

    /** The variable's value in this trace as it is stored (transposed when {@link TfVariable#storedTransposed}). */
    Output<?> readStored(TfVariable v) {
        return stored(v, read(v).output());
    }

    /**
     * The stored value that {@code view} is the torch-layout view of, or null when it is not such a
     * view: a kernel that would transpose {@code view} by {@link TfVariable#TO_STORED} uses this.
     */
    Output<?> storedSource(Output<?> view) {
        return storedSources.get(view);
    }

    /** {@code value} (torch layout) as {@code v} stores it: the value it is a view of, else transposed. */
    Output<?> stored(TfVariable v, Output<?> value) {
        if (!v.storedTransposed()) {
            return value;
        }
        Output<?> source = storedSources.get(value);
        return source != null ? source : transpose(value, TfVariable.TO_STORED);
    }

    /** The torch-layout view of {@code stored}, a value as {@code v} stores it. */
    TfTensor view(TfVariable v, Output<?> stored) {
        return new TfTensor(v.storedTransposed() ? logicalView(stored) : stored, this);
    }

    /** The torch-layout view of a value stored transposed (a rank-4 variable's, or a gradient of one). */
    Output<?> logicalView(Output<?> stored) {
        Output<?> view = transpose(stored, TfVariable.TO_LOGICAL);
        storedSources.put(view, stored);
        return view;
    }

    private Output<?> transpose(Output<?> x, int[] perm) {
        return TfVariable.transpose(scope, x, perm, "Transpose");
    }

    /** Records {@code v := value}, ordered after this trace's read of {@code v} and its earlier assignments. */
    void assign(TfVariable v, TfTensor value) {
        Output<?> in = input(value);
        assignStored(v, stored(v, in));
        values.put(v, value.env() == this ? value : new TfTensor(in, this));
    }

    /** Records {@code v := stored}, a value in {@code v}'s stored layout (see {@link #readStored}). */
    void assignStoredValue(TfVariable v, Output<?> stored) {
        assignStored(v, stored);
        values.put(v, view(v, stored));
    }

    private void assignStored(TfVariable v, Output<?> stored) {
        Operation read = readOps.get(v);
        Operation previous = lastAssign.get(v);
        GraphOperation op = (GraphOperation) build("AssignVariableOp", b -> {
            b.addInput(v.handle()).addInput(stored).setAttr("dtype", TfTypes.dataType(v.dtype()));
            if (read != null) {
                b.addControlInput(read);
            }
            if (previous != null) {
                b.addControlInput(previous);
            }
        });
        lastAssign.put(v, op);
        assigns.add(op);
    }

    /**
     * Records an op that updates {@code vars} in place through their handles (a fused optimizer
     * kernel such as {@code ResourceApplyAdam}, whose inputs are in the stored layout): ordered
     * after this trace's reads and earlier assignments of each, executed on every run, and read
     * afterwards by a new read op that follows it.
     */
    void updateInPlace(List<TfVariable> vars, String type, Consumer<OperationBuilder> inputs) {
        GraphOperation op = (GraphOperation) build(type, b -> {
            inputs.accept(b);
            for (TfVariable v : vars) {
                Operation read = readOps.get(v);
                Operation previous = lastAssign.get(v);
                if (read != null) {
                    b.addControlInput(read);
                }
                if (previous != null) {
                    b.addControlInput(previous);
                }
            }
        });
        assigns.add(op);
        for (TfVariable v : vars) {
            lastAssign.put(v, op);
            // Not run unless something reads it; later assignments follow it, and so the update too.
            Operation after = build("ReadVariableOp",
                    b -> b.addInput(v.handle()).setAttr("dtype", TfTypes.dataType(v.dtype())).addControlInput(op));
            readOps.put(v, after);
            values.put(v, view(v, after.output(0)));
        }
    }

    /**
     * Records that {@code nchw} is {@code Transpose(nhwc, [0, 3, 1, 2])}, so that a later conv or pool
     * (and elementwise ops in between) can work on {@code nhwc} instead of transposing back.
     */
    void recordNhwc(Output<?> nchw, Output<?> nhwc) {
        nhwcSources.put(nchw, nhwc);
    }

    /** The NHWC tensor {@code nchw} was transposed from in this trace, or null. */
    Output<?> nhwcSource(Output<?> nchw) {
        return nhwcSources.get(nchw);
    }

    /**
     * Records that {@code flat} ({@code [N, C*H*W]}, flattened from the NCHW view of an NHWC tensor)
     * holds the values of {@code view.rows()} with its columns permuted, so that a following linear
     * layer can permute its (smaller) weight instead of the activations.
     */
    void recordNhwcFlat(Output<?> flat, NhwcFlat view) {
        nhwcFlats.put(flat, view);
    }

    /** The NHWC-ordered rows that {@code flat} was flattened from in this trace, or null. */
    NhwcFlat nhwcFlat(Output<?> flat) {
        return nhwcFlats.get(flat);
    }

    /** A scalar read from {@code value} on every run, as a graph output of {@code dtype}. */
    Output<?> scalar(String key, DType dtype, DoubleSupplier value) {
        if (!scalarKeys.add(key)) {
            throw new IllegalArgumentException("step '" + stepName + "': scalar key '" + key
                    + "' is used twice; each StepContext.scalar needs its own key");
        }
        ScalarGroup group = openGroup.get(dtype);
        if (group == null || group.values().size() == SCALARS_PER_GROUP) {
            Output<?> ph = build("Placeholder", b -> b.setAttr("dtype", TfTypes.dataType(dtype))
                    .setAttr("shape", org.tensorflow.ndarray.Shape.of(SCALARS_PER_GROUP))).output(0);
            Operation unpack = build("Unpack", b -> b.addInput(ph).setAttr("num", (long) SCALARS_PER_GROUP).setAttr("axis", 0L));
            group = new ScalarGroup(ph, unpack, dtype, new ArrayList<>(SCALARS_PER_GROUP));
            openGroup.put(dtype, group);
            scalarGroups.add(group);
        }
        Output<?> out = group.unpack().output(group.values().size());
        group.values().add(value);
        return out;
    }

    /** The groups that feed this trace's scalars, in creation order. */
    List<ScalarGroup> scalarGroups() {
        return scalarGroups;
    }

    /** A unique prefix for one gradient computation. */
    String gradientPrefix() {
        return scope.makeOpName("gradients" + (gradientCount++));
    }

    List<GraphOperation> assigns() {
        return assigns;
    }
}
