package dev.lightning4j.pytorch;

import ai.djl.engine.EngineException;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.lightning4j.backend.Gradients;
import dev.lightning4j.backend.StepContext;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The eager step context: {@link #scalar} reads its supplier every run, and {@link #valueAndGrad}
 * records with DJL's {@link GradientCollector} and runs libtorch's backward.
 *
 * <p>About DJL's PyTorch collector (read from its 0.36.0 source): only one may be open in the whole
 * JVM (a static flag), so nested or concurrent {@code valueAndGrad} calls fail; it turns grad mode
 * on for the calling thread and restores it on close; and it does <em>not</em> zero gradients (the
 * call is commented out), so libtorch would add every backward into {@code .grad}. Each requested
 * gradient is therefore taken out of its variable after backward (see {@link PtVariable#takeGradient}),
 * and trainable variables that were not requested stop tracking gradients for the call.
 */
final class PtStepContext implements StepContext {
    private final PyTorchBackend backend;
    private final String name;
    private final Device device;
    private final Set<String> scalarKeys = new HashSet<>();

    PtStepContext(PyTorchBackend backend, String name, Device device) {
        this.backend = backend;
        this.name = name;
        this.device = device;
    }

    void beginRun() {
        scalarKeys.clear();
    }

    void endRun() {
        scalarKeys.clear();
    }

    @Override
    public Tensor scalar(String key, DType dtype, DoubleSupplier value) {
        if (!scalarKeys.add(key)) {
            throw new IllegalArgumentException("step '" + name + "': scalar key '" + key
                    + "' is used twice; keys name step inputs and must be unique within a step");
        }
        return backend.wrap(backend.kernels().scalar(value.getAsDouble(), dtype, device));
    }

    @Override
    public Gradients valueAndGrad(Supplier<Tensor> loss, List<Variable> wrt) {
        PtVariable[] vars = new PtVariable[wrt.size()];
        long mark = backend.nextMark();
        for (int i = 0; i < vars.length; i++) {
            Variable v = wrt.get(i);
            if (!(v instanceof PtVariable pv) || pv.backend() != backend) {
                throw new IllegalArgumentException("valueAndGrad in step '" + name + "': " + v
                        + " is not a variable of this pytorch backend");
            }
            if (!pv.trainable()) {
                throw new IllegalArgumentException("valueAndGrad in step '" + name + "': variable '" + pv.name()
                        + "' is not trainable; create it with trainable = true to take its gradient");
            }
            if (pv.mark == mark) {
                throw new IllegalArgumentException("valueAndGrad in step '" + name + "': variable '" + pv.name()
                        + "' is requested twice");
            }
            pv.array(); // fails if closed
            pv.mark = mark;
            vars[i] = pv;
        }
        PyTorchBackend.ThreadState st = backend.thread();
        if (st.recording) {
            throw new IllegalStateException("valueAndGrad in step '" + name + "': already recording gradients on"
                    + " this thread; nested valueAndGrad is not supported");
        }
        // Trainable variables that were not requested must not collect (stale) gradients.
        List<PtVariable> paused = null;
        if (backend.trainables().size() != vars.length) {
            paused = new ArrayList<>();
            for (PtVariable t : backend.trainables()) {
                if (t.mark != mark) {
                    t.track(false);
                    paused.add(t);
                }
            }
        }
        Tensor value;
        try {
            GradientCollector collector;
            try {
                collector = backend.engine().newGradientCollector();
            } catch (IllegalStateException e) {
                JniUtils.setGradMode(false); // the collector turned it on before it failed
                throw new IllegalStateException("valueAndGrad in step '" + name + "': another gradient recording"
                        + " is open in this JVM; DJL's PyTorch engine allows one at a time", e);
            }
            st.recording = true;
            try (collector) {
                value = loss.get();
                if (value == null || value.backend() != backend) {
                    throw new IllegalArgumentException("valueAndGrad in step '" + name + "': the loss function"
                            + " returned " + (value == null ? "null" : "a tensor of backend " + value.backend().name()));
                }
                if (!value.dtype().isFloating()) {
                    throw new IllegalArgumentException("valueAndGrad in step '" + name + "': the loss must be"
                            + " floating-point, got " + value.dtype() + " " + value.shape());
                }
                PtNDArray target = backend.unwrap(value.nativeTensor(), "valueAndGrad").array();
                try {
                    collector.backward(target);
                } catch (EngineException e) {
                    // A loss that depends on no requested variable has no graph: all gradients are zero.
                    // (DJL's requiresGrad binding reports false even for graph outputs, so ask backward.)
                    String m = String.valueOf(e.getMessage());
                    if (!m.contains("does not require grad")) {
                        throw new IllegalArgumentException("valueAndGrad in step '" + name + "': backward of the "
                                + value.dtype() + " " + value.shape() + " loss failed: " + m, e);
                    }
                }
            } finally {
                st.recording = false;
            }
        } finally {
            if (paused != null) {
                for (PtVariable t : paused) {
                    t.track(true);
                }
            }
        }
        List<Tensor> grads = new ArrayList<>(vars.length);
        for (PtVariable v : vars) {
            PtNDArray g = v.takeGradient();
            if (g == null) {
                grads.add(backend.wrap(backend.kernels().full(v.shape(), 0, v.dtype(), device)));
            } else {
                grads.add(backend.wrap(backend.own(g, v.dtype(), device)));
            }
        }
        return new Gradients(value, grads);
    }
}
