package dev.lightning4j.strategies;

import dev.lightning4j.backend.Backend;

/**
 * What a backend offers for distributed data parallel: it joins this process to the job's
 * collective runtime and says how gradients are averaged on its engine. A backend module binds it
 * with {@code OptionalBinder.newOptionalBinder(binder(), DistributedSupport.class).setBinding()};
 * the {@code ddp} strategy fails with a clear message when the chosen backend binds none.
 */
public interface DistributedSupport {

    /**
     * Joins the job described by {@code cluster} with the {@code backend} the Trainer runs on. It is
     * called before any model is placed on the backend (an engine may need to reconfigure its
     * session first), once per process.
     */
    Runtime join(Backend backend, ClusterEnvironment cluster, DistributedOptions options);

    /**
     * A joined job.
     *
     * @param group        the host-side collectives
     * @param synchronizer how the training step averages gradients on this engine
     */
    record Runtime(ProcessGroup group, GradientSynchronizer synchronizer) {
    }
}
