package dev.lightning4j.strategies;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.nn.Module;
import dev.lightning4j.tensor.Device;

/**
 * How a model is laid out over devices and processes, as Lightning's {@code Strategy}. The
 * single-device strategy places the model on one device; distributed strategies also synchronise
 * gradients and metrics across processes.
 */
public interface Strategy {

    /** The strategy's name, as in configuration ({@code single_device}). */
    String name();

    /** The device this process computes on. */
    Device rootDevice();

    /** Places the model's parameters and buffers on the engine. */
    void setup(Module model, Backend backend);

    /** True for the process that writes logs and checkpoints. */
    boolean isGlobalZero();
}
