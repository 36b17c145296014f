package dev.lightning4j.pytorch;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.testkit.KernelConformanceSuite;

/** Runs the shared kernel conformance suite on libtorch. */
class PyTorchKernelConformanceTest extends KernelConformanceSuite {

    @Override
    protected Backend createBackend() {
        return new PyTorchBackend();
    }
}
