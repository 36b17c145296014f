package dev.lightning4j.backend;

import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Tensor;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * What a step function may ask of the engine while it runs (PyTorch) or is traced (TensorFlow).
 * Nothing here reads a value back to the host: a step must not need one mid-step.
 */
public interface StepContext {

    /**
     * A scalar whose value is taken from {@code value} each time the step runs, such as a learning
     * rate that a scheduler changes. On a traced engine it becomes a graph input fed per run; the key
     * names that input and must be unique within the step.
     */
    Tensor scalar(String key, DType dtype, DoubleSupplier value);

    /**
     * Evaluates {@code loss} while recording, then returns its value and its gradient with respect to
     * each of {@code wrt}, which must be trainable variables of this backend.
     */
    Gradients valueAndGrad(Supplier<Tensor> loss, List<Variable> wrt);
}
