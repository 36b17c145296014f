package dev.lightning4j.optim;

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
            Map<String, Tensor> hyper = new HashMap<>();
            for (String option : group.options().keySet()) {
                hyper.put(option, ctx.scalar(id + ".g" + g + "." + option, DType.FLOAT32, () -> group.get(option)));
            }
            Hyper h = new Hyper(ctx, group, hyper, id + ".g" + g);
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

    private Variable stateVariable(Parameter p, String name) {
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
     * @param tensors the group's options as per-run scalars
     * @param key    a unique prefix for further per-run scalars of this group
     */
    public record Hyper(StepContext ctx, ParamGroup group, Map<String, Tensor> tensors, String key) {
        /** An option as a per-run scalar tensor. */
        public Tensor tensor(String option) {
            Tensor t = tensors.get(option);
            if (t == null) {
                throw new IllegalArgumentException("param group has no option '" + option + "'; it has " + tensors.keySet());
            }
            return t;
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
