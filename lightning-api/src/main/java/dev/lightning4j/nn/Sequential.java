package dev.lightning4j.nn;

import dev.lightning4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Modules applied one after another, as {@code torch.nn.Sequential}. Children are registered as
 * {@code "0"}, {@code "1"}, ..., so state-dict names read {@code 0.weight}, {@code 2.bias}.
 */
public class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    /** The given modules in order. */
    public Sequential(Module... modules) {
        for (Module m : modules) {
            append(m);
        }
    }

    /** The given modules in order. */
    public Sequential(List<? extends Module> modules) {
        modules.forEach(this::append);
    }

    /** Adds a module at the end under the next index; returns this. */
    public Sequential append(Module module) {
        if (module == null) {
            throw new IllegalArgumentException("Sequential: module " + layers.size() + " is null");
        }
        register(Integer.toString(layers.size()), module);
        layers.add(module);
        return this;
    }

    /** The module at {@code index} (negative counts from the end). */
    public Module get(int index) {
        int i = index < 0 ? index + layers.size() : index;
        if (i < 0 || i >= layers.size()) {
            throw new IndexOutOfBoundsException("Sequential: index " + index + " is out of range for " + layers.size() + " modules");
        }
        return layers.get(i);
    }

    /** The number of modules. */
    public int size() {
        return layers.size();
    }

    /** The modules in order, read-only. */
    public List<Module> layers() {
        return List.copyOf(layers);
    }

    /** Feeds {@code input} through every module in order. */
    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module m : layers) {
            x = m.forward(x);
        }
        return x;
    }
}
