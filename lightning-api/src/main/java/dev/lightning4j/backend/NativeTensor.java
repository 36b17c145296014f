package dev.lightning4j.backend;

import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.Shape;

/**
 * A backend's own tensor: an eager array (PyTorch) or a symbolic value in a graph being traced
 * (TensorFlow). Users never see this type; {@link dev.lightning4j.tensor.Tensor} wraps it.
 */
public interface NativeTensor {

    /** The static shape; dimensions unknown at trace time are {@link Shape#UNKNOWN}. */
    Shape shape();

    /** The element type. */
    DType dtype();

    /** Where the values live. */
    Device device();

    /** Releases native memory now rather than when its scope closes; idempotent. */
    void close();
}
