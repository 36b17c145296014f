package dev.lightning4j.strategies;

import dev.lightning4j.backend.StepContext;
import dev.lightning4j.tensor.Tensor;
import java.util.List;

/**
 * Averages gradients across the ranks of a data-parallel job, inside the training step: the
 * engine-neutral {@code TrainingStep} calls it between the backward pass and the optimizer update,
 * so a traced engine records the all-reduce into the step's graph and an eager engine runs it then.
 */
@FunctionalInterface
public interface GradientSynchronizer {

    /**
     * The mean over all ranks of each gradient, in order and with the same shapes. Every rank calls
     * it once per optimizer step with the same shapes in the same order.
     */
    List<Tensor> average(StepContext context, List<Tensor> grads);
}
