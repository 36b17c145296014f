package dev.lightning4j.nn;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The base of every layer and model, as {@code torch.nn.Module}: named parameters, buffers and
 * submodules whose qualified names follow PyTorch's state_dict ({@code encoder.0.weight}), and a
 * train/eval mode. Register state in the constructor; the Trainer moves it to the engine.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Parameter> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Maps an input to an output. Modules with other signatures add their own methods. */
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " does not define forward(Tensor); override it or call the module's own forward method");
    }

    /** Registers a submodule under {@code name} and returns it. */
    protected <M extends Module> M register(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    /** Registers a trainable parameter with its initial value. */
    protected Parameter registerParameter(String name, HostArray initial) {
        checkName(name);
        Parameter p = new Parameter(name, initial, true);
        parameters.put(name, p);
        return p;
    }

    /** Registers a non-trainable buffer (saved in the state dict, not optimised). */
    protected Parameter registerBuffer(String name, HostArray initial) {
        checkName(name);
        Parameter p = new Parameter(name, initial, false);
        buffers.put(name, p);
        return p;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid name '" + name
                    + "'; names are non-empty and contain no '.'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": '" + name + "' is already registered");
        }
    }

    /** The direct submodules by name. */
    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Trainable parameters by qualified name, in registration order (depth first, own first). */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, true, false);
        return out;
    }

    /** Buffers by qualified name. */
    public Map<String, Parameter> namedBuffers() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, false, true);
        return out;
    }

    /** Parameters and buffers by qualified name: the entries of the state dict. */
    public Map<String, Parameter> namedState() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, true, true);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out, boolean params, boolean bufs) {
        if (params) {
            parameters.forEach((n, p) -> out.put(prefix + n, p));
        }
        if (bufs) {
            buffers.forEach((n, p) -> out.put(prefix + n, p));
        }
        children.forEach((n, m) -> m.collect(prefix + n + ".", out, params, bufs));
    }

    /** Trainable parameters, each once, in registration order. */
    public List<Parameter> parameters() {
        return new ArrayList<>(new LinkedHashSet<>(namedParameters().values()));
    }

    /** The total number of trainable values. */
    public long numParameters() {
        return parameters().stream().mapToLong(Parameter::numel).sum();
    }

    /** This module and every submodule, depth first. */
    public List<Module> modules() {
        List<Module> out = new ArrayList<>();
        out.add(this);
        children.values().forEach(c -> out.addAll(c.modules()));
        return out;
    }

    /** Sets training mode here and in every submodule; returns this. */
    public Module train(boolean on) {
        for (Module m : modules()) {
            m.training = on;
        }
        return this;
    }

    /** Sets evaluation mode; returns this. */
    public Module eval() {
        return train(false);
    }

    /** True in training mode. */
    public boolean isTraining() {
        return training;
    }

    /** A copy of every parameter and buffer, on the host, under PyTorch's names. */
    public Map<String, HostArray> stateDict() {
        Map<String, HostArray> out = new LinkedHashMap<>();
        namedState().forEach((n, p) -> out.put(n, p.data()));
        return out;
    }

    /**
     * Loads values by qualified name. Shapes must match; with {@code strict}, the keys must be
     * exactly the module's, and the error lists the missing and unexpected ones.
     */
    public void loadStateDict(Map<String, HostArray> state, boolean strict) {
        Map<String, Parameter> own = namedState();
        if (strict) {
            Set<String> missing = new TreeSet<>(own.keySet());
            missing.removeAll(state.keySet());
            Set<String> unexpected = new TreeSet<>(state.keySet());
            unexpected.removeAll(own.keySet());
            if (!missing.isEmpty() || !unexpected.isEmpty()) {
                throw new IllegalArgumentException("loadStateDict for " + getClass().getSimpleName()
                        + ": missing keys " + missing + ", unexpected keys " + unexpected);
            }
        }
        // Check every shape before changing anything, so a bad entry leaves the module untouched.
        for (Map.Entry<String, HostArray> e : state.entrySet()) {
            Parameter p = own.get(e.getKey());
            if (p != null && !p.shape().equals(e.getValue().shape())) {
                throw new IllegalArgumentException("loadStateDict for " + getClass().getSimpleName() + ": '"
                        + e.getKey() + "' has shape " + e.getValue().shape() + " but the module expects " + p.shape());
            }
        }
        state.forEach((n, v) -> {
            Parameter p = own.get(n);
            if (p != null) {
                p.load(n, v);
            }
        });
    }

    /** Moves every parameter and buffer onto {@code backend}'s {@code device}; returns this. */
    public Module to(Backend backend, Device device) {
        namedState().forEach((n, p) -> p.attach(backend, device, n));
        return this;
    }

    /** Copies every value back to the host and releases the engine variables; returns this. */
    public Module toHost() {
        namedState().values().forEach(Parameter::detach);
        return this;
    }

    @Override
    public String toString() {
        return ModuleSummaries.describe(this);
    }
}
