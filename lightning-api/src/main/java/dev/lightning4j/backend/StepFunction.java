package dev.lightning4j.backend;

import dev.lightning4j.tensor.Tensor;
import java.util.Map;

/**
 * One step of work on one batch: tensors in, named tensors out. The PyTorch backend calls it for
 * every batch; the TensorFlow backend calls it once per input signature to trace a graph. It must
 * therefore behave the same on every call and read host values only through
 * {@link StepContext#scalar}.
 */
@FunctionalInterface
public interface StepFunction {

    /** Computes the step's outputs from the batch's fields. */
    Map<String, Tensor> apply(StepContext context, Map<String, Tensor> inputs);
}
