package dev.lightning4j.pytorch;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import dev.lightning4j.backend.Backend;

/** Binds {@link Backend} to {@link PyTorchBackend}, one instance per injector. */
public final class PyTorchModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(Backend.class).to(PyTorchBackend.class).in(Scopes.SINGLETON);
    }
}
