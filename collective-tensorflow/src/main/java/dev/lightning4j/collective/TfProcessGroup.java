package dev.lightning4j.collective;

import dev.lightning4j.strategies.ProcessGroup;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

/**
 * Host-buffer collectives on the job's TensorFlow server: a small graph of its own
 * (placeholder, fed instance key, {@code CollectiveReduceV2}) run in a session on the server, one
 * run per call. The PyTorch backend averages its gradient buckets through it; both backends use it
 * for the weight broadcast, metric reduction and barriers.
 */
public final class TfProcessGroup implements ProcessGroup {
    private final TfCollectiveRuntime runtime;
    private final Graph graph = new Graph();
    private final Session session;
    private final Output<?> instanceKey;
    /** One reduction per (dtype, mean, timeout): the timeout is an attribute, the start-up one differs. */
    private final Map<String, Op> ops = new HashMap<>();
    private boolean closed;

    private record Op(Output<?> input, Output<?> output) {
    }

    /** Host collectives on {@code runtime}'s server. */
    public TfProcessGroup(TfCollectiveRuntime runtime) {
        this.runtime = runtime;
        Scope scope = graph.baseScope();
        this.instanceKey = scope.opBuilder("Placeholder", "instance_key")
                .setAttr("dtype", DataType.DT_INT32).setAttr("shape", Shape.scalar()).build().output(0);
        this.session = runtime.openSession(graph, null);
    }

    @Override
    public int rank() {
        return runtime.cluster().rank();
    }

    @Override
    public int worldSize() {
        return runtime.cluster().worldSize();
    }

    @Override
    public synchronized void allReduceMean(float[] buffer) {
        if (worldSize() == 1) {
            return;
        }
        try (TFloat32 in = TFloat32.tensorOf(Shape.of(buffer.length), DataBuffers.of(buffer, true, false))) {
            run(DataType.DT_FLOAT, true, in, out -> ((TFloat32) out).copyTo(DataBuffers.of(buffer, false, false)));
        }
    }

    @Override
    public synchronized void allReduceSum(double[] buffer) {
        if (worldSize() == 1) {
            return;
        }
        try (TFloat64 in = TFloat64.tensorOf(Shape.of(buffer.length), DataBuffers.of(buffer, true, false))) {
            run(DataType.DT_DOUBLE, false, in, out -> ((TFloat64) out).copyTo(DataBuffers.of(buffer, false, false)));
        }
    }

    /** Runs one reduction of {@code input}; {@code reader} copies the result out before it is freed. */
    private void run(DataType dtype, boolean mean, Tensor input, Consumer<Tensor> reader) {
        if (closed) {
            throw new IllegalStateException("the process group was closed");
        }
        float timeout = runtime.timeoutSeconds();
        Op op = ops.computeIfAbsent(dtype + "/" + mean + "/" + timeout, k -> build(dtype, mean, timeout));
        try (TInt32 key = TInt32.scalarOf(runtime.nextInstanceKey());
             Result r = session.runner().feed(op.input(), input).feed(instanceKey, key).fetch(op.output()).run()) {
            runtime.markStarted();
            reader.accept(r.get(0));
        } catch (RuntimeException e) {
            throw runtime.describeFailure(e);
        }
    }

    private Op build(DataType dtype, boolean mean, float timeout) {
        Scope scope = graph.baseScope().withSubScope("reduce");
        Output<?> in = scope.opBuilder("Placeholder", "input")
                .setAttr("dtype", dtype).setAttr("shape", Shape.of(-1)).build().output(0);
        return new Op(in, runtime.allReduce(scope, in, instanceKey, mean, timeout));
    }

    @Override
    public RuntimeException describeFailure(RuntimeException failure) {
        return runtime.describeFailure(failure);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            session.close();
            graph.close();
        }
    }
}
