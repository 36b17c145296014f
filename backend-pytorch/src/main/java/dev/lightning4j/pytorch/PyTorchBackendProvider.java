package dev.lightning4j.pytorch;

import com.google.inject.Module;
import dev.lightning4j.backend.BackendProvider;

/** Makes the PyTorch backend known to {@link dev.lightning4j.backend.Backends} as {@code pytorch}. */
public final class PyTorchBackendProvider implements BackendProvider {

    /** Used by {@link java.util.ServiceLoader}. */
    public PyTorchBackendProvider() {
    }

    @Override
    public String name() {
        return "pytorch";
    }

    @Override
    public Module guiceModule() {
        return new PyTorchModule();
    }
}
