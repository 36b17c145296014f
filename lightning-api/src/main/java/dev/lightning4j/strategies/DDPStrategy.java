package dev.lightning4j.strategies;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.nn.Module;
import dev.lightning4j.nn.Parameter;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Distributed data parallel, as Lightning's {@code DDPStrategy}: one process per replica, each
 * with the full model. Rank 0's initial weights are broadcast to every rank, every rank trains on
 * its own shard of the data ({@link DataLoader#shard}), gradients are averaged across ranks before
 * every optimizer step (through the backend's {@link GradientSynchronizer}, inside the training
 * step), metrics logged with {@code syncDist} are averaged, only rank 0 writes logs and
 * checkpoints, and fit ends with a barrier.
 *
 * <p>The collectives run on the job's {@link ProcessGroup}, which the backend's
 * {@link DistributedSupport} creates when the model is first placed.
 */
public final class DDPStrategy implements Strategy {
    private final Device device;
    private final ClusterEnvironment cluster;
    private final DistributedSupport support;
    private final DistributedOptions options;
    private final LocalLauncher launcher;
    private DistributedSupport.Runtime runtime;
    private Backend joined;
    private volatile boolean failed;

    /**
     * A replica on {@code device} in the job {@code cluster}.
     *
     * @param launcher the launcher that started the other ranks when this process is their driver, else null
     */
    public DDPStrategy(Device device, ClusterEnvironment cluster, DistributedSupport support, DistributedOptions options,
                       LocalLauncher launcher) {
        this.device = Objects.requireNonNull(device, "device");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.support = Objects.requireNonNull(support, "support");
        this.options = Objects.requireNonNull(options, "options");
        this.launcher = launcher;
    }

    @Override
    public String name() {
        return "ddp";
    }

    @Override
    public Device rootDevice() {
        return device;
    }

    /** The job this process belongs to. */
    public ClusterEnvironment cluster() {
        return cluster;
    }

    /** The options in force. */
    public DistributedOptions options() {
        return options;
    }

    /** The launcher of the other ranks when this process started them, else null. */
    public LocalLauncher launcher() {
        return launcher;
    }

    @Override
    public synchronized void setup(Module model, Backend backend) {
        if (!backend.devices().contains(device)) {
            throw new IllegalStateException("device " + device + " is not available on backend '" + backend.name()
                    + "'; it has " + backend.devices());
        }
        if (runtime == null) {
            // Before the model reaches the engine: an engine may have to reconfigure its session to join.
            runtime = support.join(backend, cluster, options);
            joined = backend;
        } else if (joined != backend) {
            throw new IllegalStateException("ddp: this strategy already joined the job with another backend instance");
        }
        model.to(backend, device);
        broadcastState(model);
    }

    /** Overwrites every rank's parameters and buffers with rank 0's, in one collective. */
    private void broadcastState(Module model) {
        List<Parameter> state = List.copyOf(model.namedState().values());
        int total = 0;
        for (Parameter p : state) {
            total += (int) p.numel();
        }
        double[] buffer = new double[total];
        int offset = 0;
        for (Parameter p : state) {
            double[] v = p.data().toDoubleArray(); // float32 -> float64 -> float32 is exact
            System.arraycopy(v, 0, buffer, offset, v.length);
            offset += v.length;
        }
        group().broadcastFromZero(buffer);
        if (cluster.rank() == 0) {
            return;
        }
        offset = 0;
        for (Parameter p : state) {
            int n = (int) p.numel();
            double[] v = new double[n];
            System.arraycopy(buffer, offset, v, 0, n);
            offset += n;
            p.load(HostArray.fromDoubles(v, p.dtype(), p.shape()));
        }
    }

    private ProcessGroup group() {
        if (runtime == null) {
            throw new IllegalStateException("ddp: the process group is joined when the model is first placed "
                    + "(trainer.fit/validate/test/predict); no collective can run before that");
        }
        return runtime.group();
    }

    @Override
    public boolean isGlobalZero() {
        return cluster.rank() == 0;
    }

    @Override
    public int globalRank() {
        return cluster.rank();
    }

    @Override
    public int worldSize() {
        return cluster.worldSize();
    }

    @Override
    public DataLoader distributeLoader(DataLoader loader) {
        return loader.shard(cluster.rank(), cluster.worldSize());
    }

    @Override
    public GradientSynchronizer gradientSynchronizer() {
        return runtime == null ? null : runtime.synchronizer();
    }

    @Override
    public double[] reduceMean(double[] values) {
        double[] out = values.clone();
        group().allReduceSum(out);
        for (int i = 0; i < out.length; i++) {
            out[i] /= cluster.worldSize();
        }
        return out;
    }

    @Override
    public long agreeOnSeed(long seed) {
        // Two 32-bit halves: each is exact as a double.
        double[] halves = {seed >>> 32, seed & 0xffffffffL};
        group().broadcastFromZero(halves);
        return ((long) halves[0] << 32) | (long) halves[1];
    }

    @Override
    public void barrier(String name) {
        group().barrier();
    }

    @Override
    public RuntimeException describeFailure(RuntimeException failure) {
        failed = true; // the other ranks cannot finish either: teardown stops them at once
        if (failure instanceof DistributedFailureException || runtime == null) {
            return failure;
        }
        return runtime.group().describeFailure(failure);
    }

    @Override
    public void teardown() {
        if (launcher != null) {
            // The children finish with the final barrier and exit; give them the collective timeout to do so.
            Duration patience = failed ? Duration.ZERO : options.timeout().plusSeconds(30);
            int[] codes = launcher.awaitChildren(patience);
            for (int r = 1; r < codes.length; r++) {
                if (codes[r] != 0) {
                    System.err.println("ddp: rank " + r + " exited with code " + codes[r]);
                }
            }
            launcher.close();
        }
    }
}
