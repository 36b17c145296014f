package dev.lightning4j.tensorflow;

import com.google.inject.AbstractModule;
import dev.lightning4j.backend.Backend;

/**
 * Binds {@link Backend} to {@link TensorFlowBackend}. Not a singleton binding on purpose: each
 * injector that asks for a backend owns (and closes) the instance it gets.
 */
public final class TensorFlowModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(Backend.class).to(TensorFlowBackend.class);
    }
}
