package dev.lightning4j.strategies;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.StepContext;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Averages gradients through host buffers, for eager engines: gradients are copied into flat
 * float buffers of at most {@link DistributedOptions#bucketCapBytes()} each (PyTorch DDP's buckets,
 * filled in parameter order), each bucket is averaged by {@link ProcessGroup#allReduceMean} and the
 * results are copied back as new tensors in the step's scope. A traced engine cannot read values
 * mid-step and provides its own in-graph synchronizer instead.
 */
public final class HostGradientSynchronizer implements GradientSynchronizer {
    private final ProcessGroup group;
    private final long bucketCapBytes;

    /** Averages over {@code group} in buckets of at most {@code bucketCapBytes}. */
    public HostGradientSynchronizer(ProcessGroup group, long bucketCapBytes) {
        this.group = group;
        this.bucketCapBytes = bucketCapBytes;
    }

    @Override
    public List<Tensor> average(StepContext context, List<Tensor> grads) {
        List<Tensor> out = new ArrayList<>(grads.size());
        int start = 0;
        while (start < grads.size()) {
            // One bucket: as many consecutive gradients as fit (always at least one).
            long bytes = 0;
            int end = start;
            while (end < grads.size()) {
                long size = grads.get(end).shape().numel() * 4L;
                if (end > start && bytes + size > bucketCapBytes) {
                    break;
                }
                bytes += size;
                end++;
            }
            out.addAll(reduceBucket(grads.subList(start, end), (int) (bytes / 4)));
            start = end;
        }
        return out;
    }

    private List<Tensor> reduceBucket(List<Tensor> bucket, int total) {
        float[] flat = new float[total];
        int offset = 0;
        for (Tensor g : bucket) {
            if (g.dtype() != DType.FLOAT32) {
                throw new IllegalStateException("distributed gradient averaging supports float32 gradients, got " + g.dtype());
            }
            float[] values = ((HostArray.F32) g.toHost()).data();
            System.arraycopy(values, 0, flat, offset, values.length);
            offset += values.length;
        }
        group.allReduceMean(flat);
        List<Tensor> out = new ArrayList<>(bucket.size());
        offset = 0;
        for (Tensor g : bucket) {
            int n = (int) g.shape().numel();
            float[] part = new float[n];
            System.arraycopy(flat, offset, part, 0, n);
            offset += n;
            Backend b = g.backend();
            out.add(Tensor.wrap(b, b.fromHost(HostArray.of(part, g.shape().dims()), g.nativeTensor().device())));
        }
        return out;
    }
}
