package dev.lightning4j.optim;

import dev.lightning4j.optim.Optimizer.Hyper;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The per-run scalars of one optimizer step, created once per parameter group and step and shared
 * by every parameter of the group (a traced step may declare each input key only once). Values in
 * float32 come from the group's own option scalars; float64 parameters get float64 copies so that
 * double-precision training keeps its precision.
 */
final class StepScalars {
    private Hyper cachedFor;
    private final Map<String, Tensor> cache = new HashMap<>();

    /** The group option {@code name} as a per-run scalar of {@code dtype}. */
    Tensor option(Hyper h, String name, DType dtype) {
        if (dtype == DType.FLOAT32) {
            return h.tensor(name);
        }
        return perRun(h, name, dtype, () -> h.group().get(name));
    }

    /**
     * A per-run scalar computed on the host in double each time the step runs ({@code lr / bc1},
     * {@code 1 - beta1}, ...). {@code name} must not be an option name.
     */
    Tensor perRun(Hyper h, String name, DType dtype, DoubleSupplier value) {
        if (h != cachedFor) {
            cache.clear();
            cachedFor = h;
        }
        DType t = dtype == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
        String key = t == DType.FLOAT32 ? name : name + ".f64";
        return cache.computeIfAbsent(key, k -> h.ctx().scalar(h.key() + "." + k, t, value));
    }
}
