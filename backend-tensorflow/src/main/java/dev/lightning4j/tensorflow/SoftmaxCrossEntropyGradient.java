package dev.lightning4j.tensorflow;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.TensorFlow;
import org.tensorflow.types.family.TNumber;

/**
 * The gradient of TensorFlow's {@code SparseSoftmaxCrossEntropyWithLogits}, which TensorFlow registers
 * for Python only: the op's second output already holds {@code softmax(logits) - one_hot(labels)} per
 * row, so the gradient with respect to the logits is that scaled by each row's incoming gradient (as
 * Python's {@code _SparseSoftmaxCrossEntropyWithLogitsGrad}); the integer labels have none.
 *
 * <p>Registration is process-wide and happens once, on first use. If a gradient for the op is already
 * registered (by the application or a later TensorFlow), that one is used.
 */
final class SoftmaxCrossEntropyGradient {
    static final String OP = "SparseSoftmaxCrossEntropyWithLogits";
    private static volatile boolean registered;

    private SoftmaxCrossEntropyGradient() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void ensureRegistered() {
        if (registered) {
            return;
        }
        synchronized (SoftmaxCrossEntropyGradient.class) {
            if (!registered) {
                TensorFlow.registerCustomGradient(OP, (tf, op, grads) -> {
                    Operand perRow = tf.expandDims(grads.get(0), tf.constant(-1));
                    Operand backprop = op.output(1);
                    Operand<TNumber> dLogits = tf.math.mul(perRow, backprop);
                    // Labels are integers and never differentiated; the builder still wants one output per input.
                    return List.of(dLogits, tf.zerosLike(op.input(1)));
                });
                registered = true;
            }
        }
    }
}
