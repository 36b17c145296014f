package dev.lightning4j.distributed;

import dev.lightning4j.collective.TfCollectiveRuntime;
import dev.lightning4j.collective.TfProcessGroup;
import dev.lightning4j.strategies.ClusterEnvironment;
import dev.lightning4j.strategies.DistributedOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One rank of the all-reduce benchmark: host float buffers through {@link TfProcessGroup}
 * (the PyTorch backend's gradient path; it includes the copies between Java arrays and TensorFlow
 * tensors). Rank 0 writes {@code floats median_ms GB/s} lines to {@code <out>/allreduce.txt}, where
 * GB/s is the algorithm bandwidth (buffer bytes / time).
 */
public final class CollectiveBench {
    private CollectiveBench() {
    }

    /** Entry point of a benchmark rank. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        ClusterEnvironment env = ClusterEnvironment.detect().orElseThrow();
        TfProcessGroup group = new TfProcessGroup(TfCollectiveRuntime.join(env, DistributedOptions.DEFAULTS));
        StringBuilder sb = new StringBuilder();
        for (int n : new int[] {1 << 10, 1 << 16, 1 << 20, 1 << 22}) {
            float[] buf = new float[n];
            int iters = n >= 1 << 20 ? 10 : 30;
            for (int i = 0; i < 3; i++) {
                group.allReduceMean(buf);
            }
            double[] ms = new double[iters];
            for (int i = 0; i < iters; i++) {
                Arrays.fill(buf, env.rank() + 1);
                long t0 = System.nanoTime();
                group.allReduceMean(buf);
                ms[i] = (System.nanoTime() - t0) / 1e6;
                if (buf[n - 1] != 1.5f) {
                    throw new AssertionError("wrong mean " + buf[n - 1]);
                }
            }
            Arrays.sort(ms);
            double median = ms[iters / 2];
            sb.append(n).append(' ').append(String.format("%.3f", median)).append(' ')
                    .append(String.format("%.3f", n * 4.0 / (median / 1e3) / 1e9)).append('\n');
        }
        group.barrier();
        if (env.rank() == 0) {
            Files.writeString(out.resolve("allreduce.txt"), sb.toString());
        }
        System.exit(0);
    }
}
