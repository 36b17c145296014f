package dev.lightning4j.tensorflow;

import dev.lightning4j.backend.BackendProvider;

/** Registers the TensorFlow backend under the name {@value TensorFlowBackend#NAME} for {@link java.util.ServiceLoader}. */
public final class TfProvider implements BackendProvider {

    /** Needed by {@link java.util.ServiceLoader}. */
    public TfProvider() {
    }

    @Override
    public String name() {
        return TensorFlowBackend.NAME;
    }

    @Override
    public com.google.inject.Module guiceModule() {
        return new TensorFlowModule();
    }
}
