package dev.lightning4j.pytorch;

import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.NativeTensor;
import dev.lightning4j.backend.StepFunction;
import dev.lightning4j.backend.TensorScope;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A step on the eager PyTorch engine: nothing is compiled; each {@link #run} opens a scope, copies
 * the batch in, calls the step function, copies its outputs out and closes the scope, which frees
 * every tensor the step made.
 */
final class PtCompiledStep implements CompiledStep {
    private final PyTorchBackend backend;
    private final String name;
    private final Device device;
    private final StepFunction fn;
    private final PtStepContext context;
    private volatile boolean closed;

    PtCompiledStep(PyTorchBackend backend, String name, Device device, StepFunction fn) {
        this.backend = backend;
        this.name = name;
        this.device = device;
        this.fn = fn;
        this.context = new PtStepContext(backend, name, device);
    }

    @Override
    public Map<String, HostArray> run(Map<String, HostArray> inputs) {
        if (closed) {
            throw new IllegalStateException("step '" + name + "' has been closed");
        }
        TensorScope scope = backend.newScope();
        try {
            Map<String, Tensor> in = new HashMap<>(Math.max(4, inputs.size() * 2));
            for (Map.Entry<String, HostArray> e : inputs.entrySet()) {
                in.put(e.getKey(), backend.wrap(backend.fromHost(e.getValue(), device)));
            }
            context.beginRun();
            Map<String, Tensor> out = fn.apply(context, Collections.unmodifiableMap(in));
            if (out == null) {
                throw new IllegalStateException("step '" + name + "' returned null; return a (possibly empty) map");
            }
            Map<String, HostArray> host = new LinkedHashMap<>(Math.max(4, out.size() * 2));
            // A tensor returned under two names (a logged loss is often the loss) leaves the engine once;
            // each name still gets an array of its own.
            Map<NativeTensor, HostArray> copied = new IdentityHashMap<>(4);
            for (Map.Entry<String, Tensor> e : out.entrySet()) {
                Tensor t = e.getValue();
                if (t == null || t.backend() != backend) {
                    throw new IllegalStateException("step '" + name + "': output '" + e.getKey()
                            + "' is " + (t == null ? "null" : "a tensor of backend " + t.backend().name()));
                }
                NativeTensor nt = t.nativeTensor();
                HostArray earlier = copied.get(nt);
                if (earlier == null) {
                    HostArray h = backend.toHost(nt);
                    copied.put(nt, h);
                    host.put(e.getKey(), h);
                } else {
                    host.put(e.getKey(), earlier.copy());
                }
            }
            return host;
        } finally {
            context.endRun();
            scope.close();
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "PtCompiledStep(" + name + " on " + device + ")";
    }
}
