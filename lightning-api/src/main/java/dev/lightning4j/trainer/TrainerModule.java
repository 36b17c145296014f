package dev.lightning4j.trainer;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.lightning4j.accelerators.Accelerators;
import dev.lightning4j.backend.Backend;
import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.loggers.Logger;
import dev.lightning4j.strategies.SingleDeviceStrategy;
import dev.lightning4j.strategies.Strategy;
import dev.lightning4j.tensor.Device;
import java.io.PrintStream;
import java.util.List;

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

    /** Binds {@code config}, the explicit callbacks and loggers, printing to {@code console}. */
    public TrainerModule(TrainerConfig config, PrintStream console, List<Callback> callbacks, List<Logger> loggers) {
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

    /**
     * Callbacks and loggers given to the builder.
     *
     * @param callbacks callbacks in order
     * @param loggers   loggers
     */
    public record TrainerPlugins(List<Callback> callbacks, List<Logger> loggers) {
    }
}
