package dev.lightning4j.tensorflow;

import dev.lightning4j.backend.StepContext;
import dev.lightning4j.collective.TfCollectiveRuntime;
import dev.lightning4j.strategies.GradientSynchronizer;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Shape;
import dev.lightning4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The gradient all-reduce as part of the traced training graph: gradients are flattened and
 * concatenated into buckets of at most {@code bucketCapBytes} (one dtype per bucket), each bucket
 * is averaged by one {@code CollectiveReduceV2} (merge {@code Add}, final {@code Div}) and split
 * back. The instance key of each bucket is a per-run scalar fed from the runtime's counter, so
 * the one trace runs once per batch with a fresh key, in the same order on every rank.
 */
final class TfGraphGradientSynchronizer implements GradientSynchronizer {
    private final TensorFlowBackend backend;
    private final TfCollectiveRuntime runtime;
    private final long bucketCapBytes;

    TfGraphGradientSynchronizer(TensorFlowBackend backend, TfCollectiveRuntime runtime, long bucketCapBytes) {
        this.backend = backend;
        this.runtime = runtime;
        this.bucketCapBytes = bucketCapBytes;
    }

    @Override
    public List<Tensor> average(StepContext ctx, List<Tensor> grads) {
        Trace trace = backend.currentTrace();
        if (trace == null) {
            throw new IllegalStateException("the TensorFlow gradient all-reduce is built into a traced step; "
                    + "it was called outside one");
        }
        List<Tensor> out = new ArrayList<>(grads.size());
        int start = 0;
        int bucket = 0;
        while (start < grads.size()) {
            long bytes = 0;
            int end = start;
            DType dtype = grads.get(start).dtype();
            while (end < grads.size() && grads.get(end).dtype() == dtype) {
                long size = staticNumel(grads.get(end)) * dtype.byteSize();
                if (end > start && bytes + size > bucketCapBytes) {
                    break;
                }
                bytes += size;
                end++;
            }
            out.addAll(reduceBucket(ctx, trace, grads.subList(start, end), bucket++));
            start = end;
        }
        return out;
    }

    private List<Tensor> reduceBucket(StepContext ctx, Trace trace, List<Tensor> bucket, int index) {
        int k = bucket.size();
        Output<?>[] flat = new Output<?>[k];
        long[] sizes = new long[k];
        for (int i = 0; i < k; i++) {
            Output<?> g = trace.input(backend.tf(bucket.get(i).nativeTensor()));
            sizes[i] = staticNumel(bucket.get(i));
            flat[i] = reshape(trace, g, new long[] {-1});
        }
        Output<?> joined = k == 1 ? flat[0] : trace.build("ConcatV2", b -> b.addInputList(flat).addInput(int32(trace, 0))).output(0);
        Tensor key = ctx.scalar("ddp_instance_key_" + index, DType.INT32, runtime::nextInstanceKey);
        Output<?> instanceKey = backend.tf(key.nativeTensor()).output();
        float timeout = runtime.options().timeout().toMillis() / 1000f;
        Output<?> reduced = runtime.allReduce(trace.scope().withSubScope("ddp_all_reduce"), joined, instanceKey, true, timeout);
        List<Tensor> out = new ArrayList<>(k);
        if (k == 1) {
            out.add(wrap(trace, reshape(trace, reduced, bucket.get(0).shape().dims())));
            return out;
        }
        Output<?> sizeSplits;
        try (TInt64 t = TInt64.vectorOf(sizes)) {
            sizeSplits = trace.constant(t);
        }
        Operation split = trace.build("SplitV", b -> b.addInput(reduced).addInput(sizeSplits).addInput(int32(trace, 0))
                .setAttr("num_split", k));
        for (int i = 0; i < k; i++) {
            out.add(wrap(trace, reshape(trace, split.output(i), bucket.get(i).shape().dims())));
        }
        return out;
    }

    private Tensor wrap(Trace trace, Output<?> o) {
        return Tensor.wrap(backend, new TfTensor(o, trace));
    }

    private static Output<?> reshape(Trace trace, Output<?> x, long[] dims) {
        Output<?> shape;
        try (TInt64 t = TInt64.vectorOf(dims)) {
            shape = trace.constant(t);
        }
        return trace.build("Reshape", b -> b.addInput(x).addInput(shape)).output(0);
    }

    private static Output<?> int32(Trace trace, int v) {
        try (TInt32 t = TInt32.scalarOf(v)) {
            return trace.constant(t);
        }
    }

    private static long staticNumel(Tensor t) {
        Shape s = t.shape();
        for (long d : s.dims()) {
            if (d == Shape.UNKNOWN) {
                throw new IllegalStateException("gradient of shape " + s + " has an unknown dimension; "
                        + "the TensorFlow all-reduce needs the static shapes of the parameters");
            }
        }
        return s.numel();
    }
}
