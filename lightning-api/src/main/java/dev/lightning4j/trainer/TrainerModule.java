package dev.lightning4j.trainer;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import dev.lightning4j.accelerators.Accelerators;
import dev.lightning4j.backend.Backend;
import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.loggers.Logger;
import dev.lightning4j.strategies.ClusterEnvironment;
import dev.lightning4j.strategies.DDPStrategy;
import dev.lightning4j.strategies.DistributedOptions;
import dev.lightning4j.strategies.DistributedSupport;
import dev.lightning4j.strategies.LocalLauncher;
import dev.lightning4j.strategies.SingleDeviceStrategy;
import dev.lightning4j.strategies.Strategy;
import dev.lightning4j.tensor.Device;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Binds the Trainer's collaborators for one configuration. The backend itself is bound by the
 * chosen backend's own Guice module. Users add callbacks with
 * {@code Multibinder.newSetBinder(binder(), Callback.class).addBinding().to(MyCallback.class)}.
 */
public final class TrainerModule extends AbstractModule {
    private final TrainerConfig config;
    private final PrintStream console;
    private final List<Callback> callbacks;
    private final List<Logger> loggers;
    private final StrategyChoice choice;

    /** Binds {@code config}, the explicit callbacks and loggers, printing to {@code console}. */
    public TrainerModule(TrainerConfig config, PrintStream console, List<Callback> callbacks, List<Logger> loggers) {
        this(config, console, callbacks, loggers, StrategyChoice.DEFAULT);
    }

    /** As {@link #TrainerModule(TrainerConfig, PrintStream, List, List)}, with the strategy options. */
    public TrainerModule(TrainerConfig config, PrintStream console, List<Callback> callbacks, List<Logger> loggers,
                         StrategyChoice choice) {
        this.choice = choice;
        this.config = config;
        this.console = console;
        this.callbacks = List.copyOf(callbacks);
        this.loggers = List.copyOf(loggers);
    }

    @Override
    protected void configure() {
        bind(TrainerConfig.class).toInstance(config);
        bind(PrintStream.class).annotatedWith(Console.class).toInstance(console);
        bind(TrainerPlugins.class).toInstance(new TrainerPlugins(callbacks, loggers));
        Multibinder.newSetBinder(binder(), Callback.class);
        // A backend that supports DDP sets this binding in its own module.
        OptionalBinder.newOptionalBinder(binder(), DistributedSupport.class);
    }

    @Provides
    @Singleton
    Strategy strategy(Backend backend, Optional<DistributedSupport> distributed) {
        String name = choice.name().trim().toLowerCase(Locale.ROOT);
        int world = config.devices() * choice.numNodes();
        List<Device> devices = Accelerators.select(config.accelerator(), config.devices(), backend.devices());
        boolean ddp = name.equals("ddp") || name.equals("auto") && world > 1;
        if (!ddp) {
            if (!name.equals("auto") && !name.equals("single_device")) {
                throw new IllegalArgumentException("trainer.strategy = '" + choice.name()
                        + "' is unknown; expected auto, single_device or ddp");
            }
            if (world > 1) {
                throw new IllegalArgumentException("trainer.devices = " + config.devices() + " with numNodes = "
                        + choice.numNodes() + " needs strategy 'ddp', not '" + choice.name() + "'");
            }
            return new SingleDeviceStrategy(devices.get(0));
        }
        return ddpStrategy(backend, distributed, devices, world);
    }

    /** DDP: join the job the environment describes, or launch one on this machine. */
    private Strategy ddpStrategy(Backend backend, Optional<DistributedSupport> distributed, List<Device> devices, int world) {
        if (distributed.isEmpty()) {
            throw new IllegalArgumentException("trainer.strategy = ddp: backend '" + backend.name()
                    + "' does not provide distributed support (no DistributedSupport binding)");
        }
        Optional<ClusterEnvironment> env = ClusterEnvironment.detect();
        LocalLauncher launcher = null;
        ClusterEnvironment cluster;
        if (env.isPresent()) {
            cluster = env.get();
            if (cluster.worldSize() != world) {
                throw new IllegalArgumentException("trainer.devices = " + config.devices() + " x numNodes = " + choice.numNodes()
                        + " is a world size of " + world + ", but the environment (" + cluster.source() + ") says "
                        + cluster.worldSize());
            }
            LocalLauncher.watchLauncher(System.getenv());
        } else if (choice.numNodes() > 1) {
            throw new IllegalArgumentException("trainer.numNodes = " + choice.numNodes() + " needs a cluster environment: "
                    + "start one process per rank with " + ClusterEnvironment.RANK + ", " + ClusterEnvironment.WORLD_SIZE
                    + " and " + ClusterEnvironment.WORKERS + " set (or under SLURM)");
        } else {
            launcher = LocalLauncher.launch(world);
            cluster = launcher.environment();
        }
        // One device per process: the local rank's device (the CPU for every rank on a CPU machine).
        Device device = devices.get(cluster.rank() % devices.size());
        return new DDPStrategy(device, cluster, distributed.get(), choice.options(), launcher);
    }

    /**
     * The strategy options given to the builder.
     *
     * @param name     {@code auto}, {@code single_device} or {@code ddp}
     * @param numNodes machines taking part
     * @param options  distributed tuning
     */
    public record StrategyChoice(String name, int numNodes, DistributedOptions options) {
        /** {@code auto} on one node with the default options. */
        public static final StrategyChoice DEFAULT = new StrategyChoice("auto", 1, DistributedOptions.DEFAULTS);

        /** Validates. */
        public StrategyChoice {
            if (numNodes < 1) {
                throw new IllegalArgumentException("trainer.numNodes must be at least 1, got " + numNodes);
            }
        }
    }

    /**
     * Callbacks and loggers given to the builder.
     *
     * @param callbacks callbacks in order
     * @param loggers   loggers
     */
    public record TrainerPlugins(List<Callback> callbacks, List<Logger> loggers) {
    }
}
