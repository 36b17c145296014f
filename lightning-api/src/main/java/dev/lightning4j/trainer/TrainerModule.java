package dev.lightning4j.trainer;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.lightning4j.accelerators.Accelerators;
import dev.lightning4j.backend.Backend;
import dev.lightning4j.strategies.SingleDeviceStrategy;
import dev.lightning4j.strategies.Strategy;
import dev.lightning4j.tensor.Device;
import java.io.PrintStream;
import java.util.List;

/**
 * Binds the Trainer's collaborators for one configuration. The backend itself is bound by the
 * chosen backend's own Guice module.
 */
public final class TrainerModule extends AbstractModule {
    private final TrainerConfig config;
    private final PrintStream console;

    /** Binds {@code config}, printing summaries to {@code console}. */
    public TrainerModule(TrainerConfig config, PrintStream console) {
        this.config = config;
        this.console = console;
    }

    @Override
    protected void configure() {
        bind(TrainerConfig.class).toInstance(config);
        bind(PrintStream.class).annotatedWith(Console.class).toInstance(console);
    }

    @Provides
    @Singleton
    Strategy strategy(Backend backend) {
        List<Device> devices = Accelerators.select(config.accelerator(), config.devices(), backend.devices());
        if (devices.size() > 1) {
            throw new IllegalArgumentException("trainer.devices = " + config.devices()
                    + " needs a distributed strategy, which this build does not include yet; use devices = 1");
        }
        return new SingleDeviceStrategy(devices.get(0));
    }
}
