package dev.lightning4j.tensorflow;

import dev.lightning4j.backend.BackendProvider;
import dev.lightning4j.backend.JitCompilation;
import java.util.Set;

/**
 * Registers the TensorFlow backend under the name {@value TensorFlowBackend#NAME} for {@link java.util.ServiceLoader},
 * and advertises its JIT modes without loading TensorFlow.
 */
public final class TfProvider implements BackendProvider, JitCompilation.Offered {

    /** Needed by {@link java.util.ServiceLoader}. */
    public TfProvider() {
    }

    @Override
    public String name() {
        return TensorFlowBackend.NAME;
    }

    @Override
    public Set<String> jitModes() {
        return TensorFlowBackend.JIT_MODES;
    }

    @Override
    public com.google.inject.Module guiceModule() {
        return new TensorFlowModule();
    }
}
