package dev.lightning4j.backend;

import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import dev.lightning4j.tensor.Tensor;
import java.util.List;

/**
 * An engine behind the API: its kernels, how values cross between host and engine, persistent
 * variables, memory scopes, and how a step function is run. Implemented once per engine module
 * and bound by that module's Guice module; user code receives it by injection or from a Trainer.
 */
public interface Backend extends AutoCloseable {

    /** The name users select it by, such as {@code pytorch}. */
    String name();

    /** The devices this engine can use here, CPU first. */
    List<Device> devices();

    /** The primitive ops. */
    Kernels kernels();

    /** Copies host data onto {@code device}, owned by the current scope. */
    NativeTensor fromHost(HostArray data, Device device);

    /** Copies a tensor's values to the host; fails inside a traced step with a message saying why. */
    HostArray toHost(NativeTensor tensor);

    /** Creates persistent state initialised from {@code initial}. */
    Variable newVariable(String name, HostArray initial, boolean trainable, Device device);

    /** Opens a scope on the calling thread that owns the tensors created until it closes. */
    TensorScope newScope();

    /** Prepares {@code fn} to run once per batch on {@code device}; {@code name} is for messages and logs. */
    CompiledStep compile(String name, Device device, StepFunction fn);

    /** Seeds the engine's own generator (used for dropout masks). */
    void manualSeed(long seed);

    /** Releases everything the backend holds. */
    @Override
    void close();

    // Conveniences for host code; they only combine the methods above.

    /** A tensor on the first device holding {@code data}. */
    default Tensor tensor(HostArray data) {
        return Tensor.wrap(this, fromHost(data, devices().get(0)));
    }

    /** A float32 tensor of the given shape. */
    default Tensor tensor(float[] data, long... shape) {
        return tensor(HostArray.of(data, shape));
    }

    /** An int64 tensor of the given shape. */
    default Tensor tensor(long[] data, long... shape) {
        return tensor(HostArray.of(data, shape));
    }

    /** A float32 matrix from rows of equal length. */
    default Tensor tensor(float[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        float[] flat = new float[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException(
                        "row " + r + " has " + rows[r].length + " values; expected " + cols + " like row 0");
            }
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return tensor(flat, rows.length, cols);
    }

    /** A tensor of the given shape filled with {@code value}. */
    default Tensor full(Shape shape, double value, DType dtype) {
        return Tensor.wrap(this, kernels().full(shape, value, dtype, devices().get(0)));
    }
}
