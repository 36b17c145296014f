package dev.lightning4j.tensorflow;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.testkit.KernelConformanceSuite;

/** Runs the engine-neutral kernel conformance suite against the real TensorFlow engine. */
class TensorFlowKernelConformanceTest extends KernelConformanceSuite {
    @Override
    protected Backend createBackend() {
        return new TensorFlowBackend();
    }
}
