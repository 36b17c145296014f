package dev.lightning4j.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The numbers in BENCHMARKS.md ("Distributed"): all-reduce latency and bandwidth between two
 * processes, and training step time of 1 process (batch 16) versus 2 processes (batch 8 each, the
 * same global batch) on both engines. Off by default; run with
 * {@code mvn -o test -pl distributed-tests -Dtest=DdpBenchmarkTest -Dlightning.bench=true}.
 */
@EnabledIfSystemProperty(named = "lightning.bench", matches = "true")
class DdpBenchmarkTest {
    static final int STEPS = 300;
    static final int WARMUP = 50;

    @Test
    void measure(@TempDir Path dir) throws Exception {
        StringBuilder report = new StringBuilder();
        report.append("cores: ").append(Runtime.getRuntime().availableProcessors()).append('\n');
        try (Workers w = new Workers()) {
            List<String> addresses = Workers.loopbackWorkers(2);
            Path out = dir.resolve("allreduce");
            Files.createDirectories(out);
            Process r0 = w.startRank(0, addresses, out, CollectiveBench.class.getName(), out.toString());
            Process r1 = w.startRank(1, addresses, out, CollectiveBench.class.getName(), out.toString());
            assertThat(Workers.await(r0, 300)).as(DdpTrainingTest.log(out, "stdout0.log")).isZero();
            Workers.await(r1, 60);
            report.append("all-reduce (floats, median ms, algorithm GB/s)\n").append(Files.readString(out.resolve("allreduce.txt")));
        }
        for (String backend : List.of("pytorch", "tensorflow")) {
            for (String hidden : List.of("16", "4096")) {
                double one = stepMs(dir.resolve(backend + "-1-" + hidden), backend, 1, hidden);
                double two = stepMs(dir.resolve(backend + "-2-" + hidden), backend, 2, hidden);
                report.append(String.format("%s hidden=%s: 1 process x batch 16: %.3f ms/step; 2 processes x batch 8: %.3f ms/step%n",
                        backend, hidden, one, two));
            }
        }
        System.out.println(report);
        Files.writeString(Path.of("target", "ddp-benchmark.txt"), report.toString());
    }

    private double stepMs(Path out, String backend, int processes, String hidden) throws Exception {
        Files.createDirectories(out);
        String[] args = {"backend=" + backend, "devices=" + processes, "batch=" + (16 / processes), "steps=" + STEPS,
                "hidden=" + hidden, "lr=" + (hidden.equals("16") ? "0.05" : "0.0005"), "out=" + out};
        try (Workers w = new Workers()) {
            if (processes == 1) {
                assertThat(Workers.await(w.startDriver(out, DdpTrainingTest.WORKER, args), 300)).isZero();
            } else {
                List<String> addresses = Workers.loopbackWorkers(2);
                Process r0 = w.startRank(0, addresses, out, DdpTrainingTest.WORKER, args);
                Process r1 = w.startRank(1, addresses, out, DdpTrainingTest.WORKER, args);
                assertThat(Workers.await(r0, 300)).as(DdpTrainingTest.log(out, "stdout0.log")).isZero();
                Workers.await(r1, 60);
            }
        }
        List<String[]> lines = DdpTrainingTest.lines(out.resolve("rank0.txt"));
        long t0 = Long.parseLong(lines.get(WARMUP - 1)[4]);
        long t1 = Long.parseLong(lines.get(STEPS - 1)[4]);
        return (t1 - t0) / 1e6 / (STEPS - WARMUP);
    }
}
