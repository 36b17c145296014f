package dev.lightning4j.benchmarks;

import dev.lightning4j.io.AtomicFiles;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Diagnostic: each step's wall time, for the Trainer (between consecutive batch ends) and for the
 * API step (one step per block), on one workload and engine, after a JIT warm-up; prints the median,
 * the mean, and where the mean's excess over the median falls by position in the 100-batch epoch
 * (logging every 50 steps, the CSV rewrite every 100, the epoch's end). Median and mean of a loop
 * differ by its occasional costs, which block totals include and per-phase medians do not.
 *
 * Also prints the milliseconds the JIT spent compiling during the measured steps: code that runs
 * once an epoch or once per log flush reaches the JIT's thresholds late, and on two cores its
 * compilations take CPU from the engine's threads.
 *
 * <p>Arguments: {@code [workload=mlp] [backend=tensorflow] [steps=6000] [trainerOnly|apiOnly]}, and
 * {@code -Dbench.gapUs=N} for a gap before every 100th API step: busy for N us, or with
 * {@code -Dbench.gapMode=file} an atomic rewrite of an N-byte file, as a log flush does. Run with
 * {@code -Dbench.mainClass=dev.lightning4j.benchmarks.StepTimes -Dbench.args="mlp tensorflow"}.
 */
public final class StepTimes {
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    private StepTimes() {
    }

    public static void main(String[] args) throws IOException {
        Workload w = (args.length > 0 ? args[0] : "mlp").equals("cnn") ? Workload.cnn(100) : Workload.mlp(100);
        String backend = args.length > 1 ? args[1] : "tensorflow";
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 6000;
        int warm = 3000;

        if (args.length > 3 && args[3].equals("apiOnly")) {
            apiOnly(w, backend, steps, warm);
            return;
        }
        long[] ends = new long[warm + steps + 1];
        long[] jitAtWarm = new long[1];
        TrainerLoop trainer = new TrainerLoop(backend, count -> {
            if (count < ends.length) {
                ends[(int) count] = System.nanoTime();
            }
            if (count == warm) {
                jitAtWarm[0] = JIT.getTotalCompilationTime();
            }
        });
        trainer.warmUpJit(w, 8);
        trainer.run(w, warm, steps);
        System.out.println("JIT ms during the Trainer's measured steps: " + (JIT.getTotalCompilationTime() - jitAtWarm[0]));
        long[] deltas = new long[steps];
        for (int i = 0; i < steps; i++) {
            deltas[i] = ends[warm + i + 1] - ends[warm + i];
        }
        // The Trainer's batch i of an epoch ends at global step (epoch * 100 + i + 1).
        report("Trainer " + backend, deltas, warm + 1);

        if (args.length > 3 && args[3].equals("trainerOnly")) {
            return;
        }
        apiOnly(w, backend, steps, warm);
    }

    private static void apiOnly(Workload w, String backend, int steps, int warm) throws IOException {
        ApiStepLoop api = new ApiStepLoop(backend);
        api.warmUpJit(w, 8);
        long[] apiTimes = new long[steps];
        try (StepLoop.Stepper s = api.open(w)) {
            s.steps(warm);
            long jit0 = JIT.getTotalCompilationTime();
            // -Dbench.gapUs=N: a gap before every 100th step, as an epoch boundary or a log flush leaves.
            long gapUs = Long.getLong("bench.gapUs", 0);
            boolean fileGap = System.getProperty("bench.gapMode", "busy").equals("file");
            Path gapFile = fileGap ? Files.createTempDirectory("l4j-steptimes").resolve("gap.csv") : null;
            for (int i = 0; i < steps; i++) {
                if (gapUs > 0 && i % 100 == 0) {
                    if (fileGap) {
                        AtomicFiles.replace(gapFile, new byte[(int) gapUs]);
                    } else {
                        long until = System.nanoTime() + gapUs * 1000;
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                    }
                }
                apiTimes[i] = s.steps(1).wallNanos();
            }
            System.out.println("JIT ms during the API step's measured steps: " + (JIT.getTotalCompilationTime() - jit0));
            if (gapFile != null) {
                Files.deleteIfExists(gapFile);
                Files.deleteIfExists(gapFile.getParent());
            }
        }
        report("API step " + backend, apiTimes, 0);
    }

    private static void report(String what, long[] t, int firstIndex) {
        double[] ms = Arrays.stream(t).mapToDouble(x -> x / 1e6).toArray();
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        double mean = Arrays.stream(ms).average().orElse(Double.NaN);
        double[] excessAt = new double[100];
        int[] countAt = new int[100];
        for (int i = 0; i < ms.length; i++) {
            int pos = (firstIndex + i) % 100;
            excessAt[pos] += ms[i] - median;
            countAt[pos]++;
        }
        System.out.printf(Locale.ROOT, "%s: %d steps, median %.4f ms, mean %.4f ms (+%.2f%%), p90 %.4f, p99 %.4f, max %.3f%n",
                what, ms.length, median, mean, 100 * (mean / median - 1), sorted[(int) (0.9 * ms.length)],
                sorted[(int) (0.99 * ms.length)], sorted[ms.length - 1]);
        Integer[] order = new Integer[100];
        for (int i = 0; i < 100; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(excessAt[b] / Math.max(1, countAt[b]), excessAt[a] / Math.max(1, countAt[a])));
        StringBuilder top = new StringBuilder();
        for (int k = 0; k < 6; k++) {
            int p = order[k];
            top.append(String.format(Locale.ROOT, " step%%100=%d: +%.3f ms;", p, excessAt[p] / Math.max(1, countAt[p])));
        }
        double total = Arrays.stream(excessAt).sum();
        System.out.printf(Locale.ROOT, "  mean excess over the median by position in the epoch:%s total %.3f ms per 100 steps%n",
                top, total / (ms.length / 100.0));
    }
}
