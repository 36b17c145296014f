package dev.lightning4j.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two-process DDP on CPU over loopback, on both engines: every rank holds bit-identical weights
 * after every step, and 2 ranks with batch B train like 1 process with batch 2B. The PyTorch run
 * uses the Trainer's own launcher (one driver JVM that starts rank 1); the TensorFlow run starts
 * both ranks as a cluster scheduler would, with LIGHTNING_* variables.
 */
class DdpTrainingTest {
    static final String WORKER = DdpWorker.class.getName();

    @ParameterizedTest
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void twoRanksStayIdenticalAndMatchOneProcessWithTheUnionBatch(String backend, @TempDir Path dir) throws Exception {
        Path ddp = dir.resolve("ddp");
        Path single = dir.resolve("single");
        Files.createDirectories(ddp);
        String[] args = {"backend=" + backend, "devices=2", "batch=8", "steps=10", "seed=42", "out=" + ddp};
        try (Workers w = new Workers()) {
            if (backend.equals("pytorch")) {
                Process driver = w.startDriver(ddp, WORKER, args);
                assertThat(Workers.await(driver, 240)).as(log(ddp, "driver.log")).isZero();
            } else {
                List<String> addresses = Workers.loopbackWorkers(2);
                Process r0 = w.startRank(0, addresses, ddp, WORKER, args);
                Process r1 = w.startRank(1, addresses, ddp, WORKER, args);
                assertThat(Workers.await(r0, 240)).as(log(ddp, "stdout0.log")).isZero();
                assertThat(Workers.await(r1, 60)).as(log(ddp, "stdout1.log")).isZero();
            }
        }
        // The single-process reference, in this JVM: batch 16 = the union of the two ranks' batches of 8.
        DdpWorker.run(Map.of("backend", backend, "devices", "1", "batch", "16", "steps", "10", "seed", "42",
                "out", single.toString()), 0);

        List<String[]> rank0 = lines(ddp.resolve("rank0.txt"));
        List<String[]> rank1 = lines(ddp.resolve("rank1.txt"));
        List<String[]> ref = lines(single.resolve("rank0.txt"));
        assertThat(rank0).hasSize(10);
        assertThat(rank1).hasSize(10);
        assertThat(ref).hasSize(10);
        boolean localLossesDiffer = false;
        for (int i = 0; i < 10; i++) {
            String[] a = rank0.get(i);
            String[] b = rank1.get(i);
            assertThat(a[0]).isEqualTo(Integer.toString(i + 1));
            assertThat(b[3]).as("weight hash after step %d", i + 1).isEqualTo(a[3]);
            assertThat(Double.parseDouble(b[1])).as("synced loss at step %d", i + 1).isEqualTo(Double.parseDouble(a[1]));
            localLossesDiffer |= !a[2].equals(b[2]);
            double synced = Double.parseDouble(a[1]);
            double expected = Double.parseDouble(ref.get(i)[1]);
            assertThat(Math.abs(synced - expected) / Math.abs(expected))
                    .as("step %d: 2 ranks x batch 8 loss %s vs 1 process x batch 16 loss %s", i + 1, synced, expected)
                    .isLessThan(1e-5);
        }
        assertThat(localLossesDiffer).as("each rank trains on its own shard").isTrue();
        assertThat(ddp.resolve("done0.txt")).exists();
        assertThat(ddp.resolve("done1.txt")).exists();
    }

    static List<String[]> lines(Path p) throws IOException {
        return Files.readAllLines(p).stream().filter(s -> !s.isBlank()).map(s -> s.trim().split(" ")).toList();
    }

    static String log(Path dir, String name) {
        try {
            Path p = dir.resolve(name);
            String s = Files.exists(p) ? Files.readString(p) : "(no " + name + ")";
            return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
        } catch (IOException e) {
            return e.toString();
        }
    }
}
