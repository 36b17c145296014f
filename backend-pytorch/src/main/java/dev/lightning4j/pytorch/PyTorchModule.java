package dev.lightning4j.pytorch;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.OptionalBinder;
import dev.lightning4j.backend.Backend;
import dev.lightning4j.collective.TfHostDistributedSupport;
import dev.lightning4j.strategies.DistributedSupport;

/**
 * Binds {@link Backend} to {@link PyTorchBackend}, one instance per injector. Distributed data
 * parallel runs its collectives on TensorFlow's distributed runtime, with gradients as host
 * buffers ({@link TfHostDistributedSupport}); Maven Central has no libtorch build with
 * {@code torch.distributed} that DJL can reach.
 */
public final class PyTorchModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(Backend.class).to(PyTorchBackend.class).in(Scopes.SINGLETON);
        OptionalBinder.newOptionalBinder(binder(), DistributedSupport.class).setBinding().to(TfHostDistributedSupport.class);
    }
}
