package dev.lightning4j.strategies;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.nn.Module;
import dev.lightning4j.tensor.Device;
import java.util.Objects;

/** Trains on one device in this process. */
public final class SingleDeviceStrategy implements Strategy {
    private final Device device;

    /** Uses {@code device}. */
    public SingleDeviceStrategy(Device device) {
        this.device = Objects.requireNonNull(device, "device");
    }

    @Override
    public String name() {
        return "single_device";
    }

    @Override
    public Device rootDevice() {
        return device;
    }

    @Override
    public void setup(Module model, Backend backend) {
        if (!backend.devices().contains(device)) {
            throw new IllegalStateException("device " + device + " is not available on backend '" + backend.name()
                    + "'; it has " + backend.devices());
        }
        model.to(backend, device);
    }

    @Override
    public boolean isGlobalZero() {
        return true;
    }
}
