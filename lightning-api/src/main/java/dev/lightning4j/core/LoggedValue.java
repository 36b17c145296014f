package dev.lightning4j.core;

import dev.lightning4j.tensor.Tensor;

/**
 * One call of {@link LightningModule#log} inside a step.
 *
 * @param name    the metric name
 * @param value   the value: a tensor of the step, read after the step
 * @param options the options
 */
public record LoggedValue(String name, Tensor value, Log options) {
}
