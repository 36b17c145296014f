package dev.lightning4j.tensorflow;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.collective.TfCollectiveRuntime;
import dev.lightning4j.collective.TfProcessGroup;
import dev.lightning4j.strategies.ClusterEnvironment;
import dev.lightning4j.strategies.DistributedOptions;
import dev.lightning4j.strategies.DistributedSupport;

/**
 * Distributed support of the TensorFlow backend: the backend's graph session is replaced by a
 * session on the job's gRPC server (so traced steps run under TensorFlow's distributed runtime),
 * and the gradient all-reduce is traced into the training graph ({@link TfGraphGradientSynchronizer}).
 */
public final class TfDistributedSupport implements DistributedSupport {

    /** Stateless; Guice creates it. */
    public TfDistributedSupport() {
    }

    @Override
    public Runtime join(Backend backend, ClusterEnvironment cluster, DistributedOptions options) {
        if (!(backend instanceof TensorFlowBackend tf)) {
            throw new IllegalArgumentException("TfDistributedSupport needs the TensorFlow backend, got " + backend.name());
        }
        TfCollectiveRuntime runtime = TfCollectiveRuntime.join(cluster, options);
        tf.replaceSession("distributed job rank " + cluster.rank(), runtime::openSession);
        TfProcessGroup group = new TfProcessGroup(runtime);
        return new Runtime(group, new TfGraphGradientSynchronizer(tf, runtime, options.bucketCapBytes()));
    }
}
