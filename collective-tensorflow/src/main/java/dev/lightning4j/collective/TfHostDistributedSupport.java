package dev.lightning4j.collective;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.strategies.ClusterEnvironment;
import dev.lightning4j.strategies.DistributedOptions;
import dev.lightning4j.strategies.DistributedSupport;
import dev.lightning4j.strategies.HostGradientSynchronizer;

/**
 * Distributed support for eager engines (PyTorch): the job's collectives run on TensorFlow's
 * distributed runtime, and gradients travel as bucketed host buffers through
 * {@link TfProcessGroup}'s small collective graph ({@link HostGradientSynchronizer}).
 */
public final class TfHostDistributedSupport implements DistributedSupport {

    /** Stateless; Guice creates it. */
    public TfHostDistributedSupport() {
    }

    @Override
    public Runtime join(Backend backend, ClusterEnvironment cluster, DistributedOptions options) {
        TfCollectiveRuntime runtime = TfCollectiveRuntime.join(cluster, options);
        TfProcessGroup group = new TfProcessGroup(runtime);
        return new Runtime(group, new HostGradientSynchronizer(group, options.bucketCapBytes()));
    }
}
