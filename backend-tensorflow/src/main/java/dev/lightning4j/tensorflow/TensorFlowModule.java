package dev.lightning4j.tensorflow;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.OptionalBinder;
import dev.lightning4j.backend.Backend;
import dev.lightning4j.strategies.DistributedSupport;

/**
 * Binds {@link Backend} to {@link TensorFlowBackend}. Not a singleton binding on purpose: each
 * injector that asks for a backend owns (and closes) the instance it gets. Also offers
 * distributed data parallel ({@link TfDistributedSupport}).
 */
public final class TensorFlowModule extends AbstractModule {
    @Override
    protected void configure() {
        // One engine per injector: the Trainer and its Strategy must share it (and it must be closed once).
        bind(Backend.class).to(TensorFlowBackend.class).in(com.google.inject.Singleton.class);
        OptionalBinder.newOptionalBinder(binder(), DistributedSupport.class).setBinding().to(TfDistributedSupport.class);
    }
}
