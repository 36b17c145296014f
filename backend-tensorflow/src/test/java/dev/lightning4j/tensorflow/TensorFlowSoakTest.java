package dev.lightning4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.Gradients;
import dev.lightning4j.backend.TensorScope;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A 784-512-512-10 MLP trained with SGD for many steps: reports time per step and resident-memory
 * growth after warm-up. Slow, so opt-in: {@code -Dlightning.soak=true}.
 * Memory is reported without the committed Java heap (see {@link #rssKb()}).
 */
@EnabledIfSystemProperty(named = "lightning.soak", matches = "true")
class TensorFlowSoakTest {

    /**
     * Resident memory minus the committed Java heap, in KB: the heap may legitimately grow towards
     * -Xmx, which is not a native leak (run with -Xms = -Xmx to measure plain RSS).
     */
    private static long rssKb() throws IOException {
        return rawRssKb() - Runtime.getRuntime().totalMemory() / 1024;
    }

    private static long rawRssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static HostArray random(Random r, float scale, long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian() * scale;
        }
        return HostArray.of(v, shape);
    }

    @Test
    void eagerOpsInScopesDoNotLeak() throws IOException {
        try (TensorFlowBackend backend = new TensorFlowBackend()) {
            Tensor big = backend.full(dev.lightning4j.tensor.Shape.of(256, 1024), 1, DType.FLOAT32); // 1 MB
            long rss0 = 0;
            int n = Integer.getInteger("lightning.soak.eager", 3000);
            for (int i = 0; i < n; i++) {
                if (i % 1000 == 0) {
                    System.out.printf("eager iteration %d: RSS %d MB%n", i, rssKb() / 1024);
                }
                if (i == 500) {
                    System.gc();
                    rss0 = rssKb();
                }
                try (TensorScope ignored = backend.newScope()) {
                    big.mul(2).add(1).relu().sum().item();
                }
            }
            System.gc();
            long rss1 = rssKb();
            System.out.printf("eager 3 MB/iteration: RSS %d MB -> %d MB (+%d KB)%n", rss0 / 1024, rss1 / 1024, rss1 - rss0);
            assertThat(rss1 - rss0).isLessThan(50 * 1024);
        }
    }

    @Test
    void mlpStepsDoNotLeak() throws IOException {
        int steps = Integer.getInteger("lightning.soak.steps", 5000);
        Random r = new Random(1);
        try (TensorFlowBackend backend = new TensorFlowBackend()) {
            int[] sizes = {784, 512, 512, 10};
            List<Variable> params = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                params.add(backend.newVariable("w" + i, random(r, 0.05f, sizes[i], sizes[i + 1]), true, Device.cpu()));
                params.add(backend.newVariable("b" + i, HostArray.zeros(DType.FLOAT32, dev.lightning4j.tensor.Shape.of(sizes[i + 1])), true, Device.cpu()));
            }
            CompiledStep step = backend.compile("train", Device.cpu(), (ctx, in) -> {
                Tensor lr = ctx.scalar("lr", DType.FLOAT32, () -> 0.01);
                Gradients g = ctx.valueAndGrad(() -> {
                    Tensor h = in.get("x");
                    for (int i = 0; i < 3; i++) {
                        h = h.matmul(Tensor.wrap(backend, params.get(2 * i).read())).add(Tensor.wrap(backend, params.get(2 * i + 1).read()));
                        if (i < 2) {
                            h = h.relu();
                        }
                    }
                    Tensor logp = h.logSoftmax(1);
                    return logp.gather(1, in.get("y").unsqueeze(1)).mean().neg();
                }, params);
                for (int i = 0; i < params.size(); i++) {
                    Variable p = params.get(i);
                    p.assign(Tensor.wrap(backend, p.read()).sub(g.grads().get(i).mul(lr)).nativeTensor());
                }
                return Map.of("loss", g.value());
            });
            HostArray x = random(r, 1, 64, 784);
            long[] labels = new long[64];
            for (int i = 0; i < 64; i++) {
                labels[i] = r.nextInt(10);
            }
            Map<String, HostArray> batch = Map.of("x", x, "y", HostArray.of(labels, 64));
            double first = 0;
            for (int i = 0; i < 300; i++) {
                try (TensorScope ignored = backend.newScope()) {
                    double loss = step.run(batch).get("loss").item();
                    if (i == 0) {
                        first = loss;
                    }
                }
            }
            System.gc();
            long rss0 = rssKb();
            long t0 = System.nanoTime();
            double last = 0;
            for (int i = 0; i < steps; i++) {
                try (TensorScope ignored = backend.newScope()) {
                    last = step.run(batch).get("loss").item();
                }
            }
            double ms = (System.nanoTime() - t0) / 1e6 / steps;
            System.gc();
            long rss1 = rssKb();
            System.out.printf("MLP 784-512-512-10 b64 SGD: %.2f ms/step, loss %.3f -> %.4f, RSS %d MB -> %d MB (+%d KB)%n",
                    ms, first, last, rss0 / 1024, rss1 / 1024, rss1 - rss0);
            assertThat(last).isLessThan(first);
            assertThat(rss1 - rss0).isLessThan(50 * 1024);
            step.close();
        }
    }
}
