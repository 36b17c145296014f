package dev.lightning4j.optim;

import dev.lightning4j.backend.InPlaceKernels;
import dev.lightning4j.backend.Kernels.BinaryOp;
import dev.lightning4j.backend.StepContext;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.nn.Parameter;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An optimizer written once over tensor ops, matching {@code torch.optim}'s maths. The update runs
 * inside the training step (eagerly on PyTorch, traced on TensorFlow), so everything that changes
 * between steps (learning rate, step count, bias corrections) enters through
 * {@link StepContext#scalar}, and per-parameter state (momentum, moments) lives in engine
 * {@link Variable}s created on first use.
 */
public abstract class Optimizer {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final String id = "opt" + IDS.getAndIncrement();
    private final List<ParamGroup> groups = new ArrayList<>();
    private final Map<Parameter, Map<String, Variable>> state = new IdentityHashMap<>();
    private long stepCount;

    /** One group of {@code params} with the given default options. */
    protected Optimizer(List<Parameter> params, Map<String, Double> defaults) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " got an empty parameter list");
        }
        for (Map.Entry<String, Double> e : defaults.entrySet()) {
            if (e.getValue() == null || e.getValue().isNaN() || (e.getKey().equals("lr") && e.getValue() < 0)) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid " + e.getKey() + " " + e.getValue());
            }
        }
        groups.add(new ParamGroup(params, defaults));
    }

    /** The parameter groups, as {@code optimizer.param_groups}. */
    public List<ParamGroup> paramGroups() {
        return groups;
    }

    /** How many optimizer steps have been taken. */
    public long stepCount() {
        return stepCount;
    }

    /** Sets the step count (when restoring a checkpoint). */
    public void setStepCount(long steps) {
        this.stepCount = steps;
    }

    /** Host bookkeeping before a step that updates the parameters runs: advances the step count. */
    public void beginStep() {
        stepCount++;
    }

    /**
     * Updates every parameter that has a gradient, inside a step. {@code grads} maps parameters to
     * their gradients; parameters without one are left alone.
     */
    public final void step(StepContext ctx, Map<Parameter, Tensor> grads) {
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup group = groups.get(g);
            // Options become per-run scalars when an update first asks for one: an eager engine makes a
            // tensor per scalar and step, and a fused update reads most options on the host instead.
            Hyper h = new Hyper(ctx, group, new HashMap<>(), id + ".g" + g);
            for (Parameter p : group.params()) {
                Tensor grad = grads.get(p);
                if (grad != null) {
                    updateParameter(h, p, grad);
                }
            }
        }
    }

    /** The update of one parameter with its gradient; assign the new value with {@link Parameter#assign}. */
    protected abstract void updateParameter(Hyper h, Parameter p, Tensor grad);

    /**
     * The optimizer state of {@code p} called {@code name}, created as zeros on first use (for
     * example {@code momentum_buffer} or {@code exp_avg}, PyTorch's names).
     */
    protected Tensor state(Parameter p, String name) {
        return Tensor.wrap(p.backend(), stateVariable(p, name).read());
    }

    /** Assigns new optimizer state. */
    protected void setState(Parameter p, String name, Tensor value) {
        stateVariable(p, name).assign(value.nativeTensor());
    }

    /**
     * Sets optimizer state {@code name} of {@code p} to {@code state * factor + addend} and returns
     * the new value. On an engine with {@link InPlaceKernels} that is two in-place ops on the state;
     * elsewhere it assigns {@code state.mul(factor).add(addend)}. Both give the same values, bit for
     * bit. {@code factor} is a scalar, {@code addend} has the parameter's shape.
     */
    protected Tensor updateState(Parameter p, String name, Tensor factor, Tensor addend) {
        Variable v = stateVariable(p, name);
        Tensor current = Tensor.wrap(p.backend(), v.read());
        InPlaceKernels k = inPlace(current, factor, addend);
        if (k != null) {
            k.binaryInPlace(BinaryOp.MUL, current.nativeTensor(), factor.nativeTensor());
            k.binaryInPlace(BinaryOp.ADD, current.nativeTensor(), addend.nativeTensor());
            return current; // the variable's own value, now the new one
        }
        Tensor next = current.mul(factor).add(addend);
        v.assign(next.nativeTensor());
        return next;
    }

    /**
     * Sets parameter {@code p} to {@code p * factor - subtrahend} ({@code factor} may be null for
     * {@code p - subtrahend}): in place where the engine has {@link InPlaceKernels}, else by
     * assignment; the values are the same either way.
     */
    protected void updateParameterValue(Parameter p, Tensor factor, Tensor subtrahend) {
        Tensor value = p.value();
        InPlaceKernels k = inPlace(value, factor, subtrahend);
        if (k != null) {
            if (factor != null) {
                k.binaryInPlace(BinaryOp.MUL, value.nativeTensor(), factor.nativeTensor());
            }
            k.binaryInPlace(BinaryOp.SUB, value.nativeTensor(), subtrahend.nativeTensor());
            return;
        }
        if (factor != null) {
            value = value.mul(factor);
        }
        p.assign(value.sub(subtrahend));
    }

    /**
     * {@code temporary op x}, written into {@code temporary} where the engine has
     * {@link InPlaceKernels} (saving an allocation), else computed as a new tensor; the values are
     * the same. {@code temporary} must be an intermediate this update created and has not shared
     * (never a gradient, a parameter's or a state's value).
     */
    protected static Tensor intoTemporary(Tensor temporary, BinaryOp op, Tensor x) {
        InPlaceKernels k = inPlace(temporary, x);
        if (k != null) {
            k.binaryInPlace(op, temporary.nativeTensor(), x.nativeTensor());
            return temporary;
        }
        return switch (op) {
            case ADD -> temporary.add(x);
            case SUB -> temporary.sub(x);
            case MUL -> temporary.mul(x);
            case DIV -> temporary.div(x);
            default -> throw new IllegalArgumentException("intoTemporary: unsupported op " + op);
        };
    }

    /**
     * The engine's in-place kernels when {@code target op= x} can run in place for every non-null x
     * (same dtype, and a scalar or the target's shape, so the result has the target's shape and
     * dtype exactly as the out-of-place op's would); else null.
     */
    private static InPlaceKernels inPlace(Tensor target, Tensor... operands) {
        if (!(target.backend().kernels() instanceof InPlaceKernels k)) {
            return null;
        }
        for (Tensor x : operands) {
            if (x != null && (x.dtype() != target.dtype() || !(x.rank() == 0 || x.shape().equals(target.shape())))) {
                return null;
            }
        }
        return k;
    }

    /** The engine variable holding state {@code name} of {@code p}, created as zeros on first use (for fused kernels). */
    protected Variable stateVariable(Parameter p, String name) {
        return state.computeIfAbsent(p, k -> new LinkedHashMap<>()).computeIfAbsent(name, n ->
                p.backend().newVariable(id + ".state." + n, HostArray.zeros(p.dtype(), p.shape()), false,
                        p.variable().read().device()));
    }

    /**
     * Per-parameter state on the host, keyed as PyTorch's {@code state_dict()["state"]}: the index
     * of the parameter across groups, then the state's name.
     */
    public Map<Integer, Map<String, HostArray>> stateDict() {
        Map<Integer, Map<String, HostArray>> out = new LinkedHashMap<>();
        int index = 0;
        for (ParamGroup g : groups) {
            for (Parameter p : g.params()) {
                Map<String, Variable> s = state.get(p);
                if (s != null) {
                    Map<String, HostArray> values = new LinkedHashMap<>();
                    s.forEach((n, v) -> values.put(n, v.toHost()));
                    out.put(index, values);
                }
                index++;
            }
        }
        return out;
    }

    /** Restores state written by {@link #stateDict()}; parameters must already live on a backend. */
    public void loadStateDict(Map<Integer, Map<String, HostArray>> saved) {
        int index = 0;
        for (ParamGroup g : groups) {
            for (Parameter p : g.params()) {
                Map<String, HostArray> s = saved.get(index);
                if (s != null) {
                    for (Map.Entry<String, HostArray> e : s.entrySet()) {
                        if (!e.getValue().shape().equals(p.shape())) {
                            throw new IllegalArgumentException("optimizer state " + index + "." + e.getKey() + " has shape "
                                    + e.getValue().shape() + "; its parameter has " + p.shape());
                        }
                        stateVariable(p, e.getKey()).load(e.getValue());
                    }
                }
                index++;
            }
        }
    }

    /** Frees the engine state (for example before moving to another backend). */
    public void releaseState() {
        state.values().forEach(m -> m.values().forEach(Variable::close));
        state.clear();
    }

    /**
     * The hyper-parameters of one group for the current step: host values for decisions made when
     * the step is built, tensors for values that may change between steps.
     *
     * @param ctx    the step's context
     * @param group  the group
     * @param tensors the group's options as per-run scalars, made on first use (a mutable cache)
     * @param key    a unique prefix for further per-run scalars of this group
     */
    public record Hyper(StepContext ctx, ParamGroup group, Map<String, Tensor> tensors, String key) {
        /** An option as a per-run scalar tensor (fed its current value on every run). */
        public Tensor tensor(String option) {
            if (!group.options().containsKey(option)) {
                throw new IllegalArgumentException("param group has no option '" + option + "'; it has "
                        + group.options().keySet());
            }
            return tensors.computeIfAbsent(option, o -> ctx.scalar(key + "." + o, DType.FLOAT32, () -> group.get(o)));
        }

        /** An option's host value, for choices fixed when the step is built (such as momentum == 0). */
        public double value(String option) {
            return group.get(option);
        }

        /** A further scalar fed on every run, such as a bias correction computed from the step count. */
        public Tensor scalar(String name, java.util.function.DoubleSupplier value) {
            return ctx.scalar(key + "." + name, DType.FLOAT32, value);
        }
    }
}
