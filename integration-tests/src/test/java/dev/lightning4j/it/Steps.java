package dev.lightning4j.it;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.StepFunction;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import java.util.Map;

/** Runs a step function once on the CPU of a backend (traced on TensorFlow, eager on PyTorch). */
final class Steps {
    private Steps() {
    }

    static Map<String, HostArray> runOnce(Backend backend, Map<String, HostArray> inputs, StepFunction fn) {
        try (CompiledStep step = backend.compile("test", Device.cpu(), fn)) {
            return step.run(inputs);
        }
    }
}
