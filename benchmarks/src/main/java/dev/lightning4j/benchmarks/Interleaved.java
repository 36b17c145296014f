package dev.lightning4j.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Measures one loop's time against another's by alternating short blocks of steps in one process,
 * so that both see the same machine: load that comes and goes, frequency changes and the other
 * tenants of a shared machine fall on both loops alike instead of on whichever ran at the time.
 *
 * <p>Each of {@code rounds} rounds opens both loops afresh (so that effects of one instance's memory
 * layout or thread placement average out over rounds), warms both up, then runs {@code pairs} pairs
 * of blocks of {@code block} steps alternately, in the order AB, BA, AB, ... so that a drift within
 * a pair favours neither. B runs on A's thread ({@link StepLoop.Stepper#onOwnThread}), so a Trainer
 * on its own thread and a raw loop are scheduled alike. The estimate is the ratio of the loops' total
 * times, with a 95% confidence interval from a two-level bootstrap (rounds, then pairs within each
 * round). Run on the same loop twice (an A/A comparison), it shows the resolution of the method on
 * this machine: the interval must contain 1.
 */
final class Interleaved {
    private Interleaved() {
    }

    /**
     * The comparison of A with B: mean wall ms per step of each, the ratio of total wall times with
     * its 95% interval, the lowest and highest per-round ratio, the ratio of total process CPU times,
     * each loop's last loss, and the median of the pairs' ratios (each pair's two blocks ran back to
     * back, so a burst of load from another tenant skews one pair, not the median; a second reading
     * of the same times, less sensitive to such bursts than the ratio of totals).
     */
    record Estimate(double msA, double msB, double ratio, double lo, double hi, double roundMin, double roundMax,
                    double cpuRatio, double lossA, double lossB, double pairMedian, double jitMsA, double jitMsB) {
    }

    /**
     * The raw times of one comparison: per round and pair, each block's wall nanoseconds; the process
     * CPU nanoseconds of each loop; the last losses; the steps per block; and the milliseconds the
     * JIT spent compiling during each loop's blocks (see {@link #jitTimed}). Forked runs pool theirs
     * ({@link #pool}): each process's rounds are rounds of the pooled comparison.
     */
    record Samples(long[][] wallA, long[][] wallB, long cpuA, long cpuB, double lossA, double lossB, int block,
                   long jitMsA, long jitMsB) {
        /** The rounds of every sample, in order; CPU times summed, the last sample's losses. */
        static Samples pool(List<Samples> parts) {
            List<long[]> a = new ArrayList<>();
            List<long[]> b = new ArrayList<>();
            long ca = 0;
            long cb = 0;
            long ja = 0;
            long jb = 0;
            for (Samples s : parts) {
                if (s.block != parts.get(0).block) {
                    throw new IllegalArgumentException("cannot pool blocks of " + s.block + " and " + parts.get(0).block + " steps");
                }
                a.addAll(Arrays.asList(s.wallA));
                b.addAll(Arrays.asList(s.wallB));
                ca += s.cpuA;
                cb += s.cpuB;
                ja += s.jitMsA;
                jb += s.jitMsB;
            }
            Samples last = parts.get(parts.size() - 1);
            return new Samples(a.toArray(long[][]::new), b.toArray(long[][]::new), ca, cb, last.lossA, last.lossB, last.block,
                    ja, jb);
        }

        /** One line of text: {@link #decode} reads it back. */
        String encode() {
            StringBuilder out = new StringBuilder();
            out.append(block).append(' ').append(cpuA).append(' ').append(cpuB).append(' ')
                    .append(lossA).append(' ').append(lossB).append(' ').append(jitMsA).append(' ').append(jitMsB).append(' ')
                    .append(wallA.length).append(' ').append(wallA[0].length);
            for (int r = 0; r < wallA.length; r++) {
                for (int j = 0; j < wallA[r].length; j++) {
                    out.append(' ').append(wallA[r][j]).append(' ').append(wallB[r][j]);
                }
            }
            return out.toString();
        }

        static Samples decode(String line) {
            String[] t = line.trim().split(" ");
            int k = 0;
            int block = Integer.parseInt(t[k++]);
            long cpuA = Long.parseLong(t[k++]);
            long cpuB = Long.parseLong(t[k++]);
            double lossA = Double.parseDouble(t[k++]);
            double lossB = Double.parseDouble(t[k++]);
            long jitMsA = Long.parseLong(t[k++]);
            long jitMsB = Long.parseLong(t[k++]);
            int rounds = Integer.parseInt(t[k++]);
            int pairs = Integer.parseInt(t[k++]);
            if (t.length != k + 2 * rounds * pairs) {
                throw new IllegalArgumentException("a samples line of " + rounds + " rounds of " + pairs + " pairs needs "
                        + (k + 2 * rounds * pairs) + " numbers, got " + t.length);
            }
            long[][] a = new long[rounds][pairs];
            long[][] b = new long[rounds][pairs];
            for (int r = 0; r < rounds; r++) {
                for (int j = 0; j < pairs; j++) {
                    a[r][j] = Long.parseLong(t[k++]);
                    b[r][j] = Long.parseLong(t[k++]);
                }
            }
            return new Samples(a, b, cpuA, cpuB, lossA, lossB, block, jitMsA, jitMsB);
        }
    }

    static Samples sample(StepLoop a, StepLoop b, Workload w, int warmup, int rounds, int pairs, int block) {
        long[][] wallA = new long[rounds][pairs];
        long[][] wallB = new long[rounds][pairs];
        long cpuA = 0;
        long cpuB = 0;
        double lossA = Double.NaN;
        double lossB = Double.NaN;
        long[] jit = new long[2]; // ms the JIT compiled while each loop's blocks ran
        for (int r = 0; r < rounds; r++) {
            System.gc();
            try (StepLoop.Stepper sa = a.open(w)) {
                StepLoop.Stepper sb = sa.onOwnThread(() -> b.open(w));
                try {
                    sa.steps(warmup);
                    sa.onOwnThread(() -> sb.steps(warmup));
                    settle(sa, sb, block);
                    for (int j = 0; j < pairs; j++) {
                        StepLoop.Block ba;
                        StepLoop.Block bb;
                        if (j % 2 == 0) {
                            ba = jitTimed(jit, 0, () -> sa.steps(block));
                            bb = jitTimed(jit, 1, () -> sa.onOwnThread(() -> sb.steps(block)));
                        } else {
                            bb = jitTimed(jit, 1, () -> sa.onOwnThread(() -> sb.steps(block)));
                            ba = jitTimed(jit, 0, () -> sa.steps(block));
                        }
                        wallA[r][j] = ba.wallNanos();
                        wallB[r][j] = bb.wallNanos();
                        cpuA += ba.cpuNanos();
                        cpuB += bb.cpuNanos();
                        lossA = ba.lastLoss();
                        lossB = bb.lastLoss();
                    }
                } finally {
                    sa.onOwnThread(() -> {
                        sb.close();
                        return null;
                    });
                }
            }
        }
        return new Samples(wallA, wallB, cpuA, cpuB, lossA, lossB, block, jit[0], jit[1]);
    }

    /**
     * Runs both loops on, a block at a time, until the JIT's compiler threads have used no CPU for
     * five pairs of blocks in a row (at most 300 pairs; {@link Proc#compilerCpuNanos}). Opening a
     * loop runs code once per round (Guice wiring a Trainer, building and tracing a graph, starting a
     * fit), whose compilations trickle on for seconds (LogCompilation: about 1.2 s of compiler time
     * in one process's rounds with 50 warm-up steps alone), taking CPU from both loops' timed blocks
     * on two cores. They belong to the loop's start, which is not timed, not to its steps;
     * compilations of code that runs once an epoch or once per log flush still land in the blocks, as
     * in a long fit, and the table shows them (JIT ms in each loop's blocks).
     */
    private static void settle(StepLoop.Stepper sa, StepLoop.Stepper sb, int block) {
        int quiet = 0;
        for (int k = 0; k < 300 && quiet < 5; k++) {
            long before = Proc.compilerCpuNanos();
            sa.steps(block);
            sa.onOwnThread(() -> sb.steps(block));
            quiet = Proc.compilerCpuNanos() == before ? quiet + 1 : 0;
        }
    }

    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    /**
     * Runs a block and adds to {@code jit[loop]} the milliseconds the JIT's threads spent compiling
     * meanwhile (process-wide; a compilation is counted when it ends, so one queued by the other loop
     * can land here). Rarely run code (once an epoch, once per log flush) reaches the JIT's thresholds
     * late, and on two cores its compilations take CPU from the engine's threads.
     */
    private static StepLoop.Block jitTimed(long[] jit, int loop, Supplier<StepLoop.Block> run) {
        long before = JIT.getTotalCompilationTime();
        StepLoop.Block b = run.get();
        jit[loop] += JIT.getTotalCompilationTime() - before;
        return b;
    }

    static Estimate estimate(Samples s) {
        long[][] wallA = s.wallA();
        long[][] wallB = s.wallB();
        int rounds = wallA.length;
        int pairs = wallA[0].length;
        double[] pairRatios = new double[rounds * pairs];
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < pairs; j++) {
                pairRatios[r * pairs + j] = (double) wallA[r][j] / wallB[r][j];
            }
        }
        double[] roundRatios = new double[rounds];
        double sumA = 0;
        double sumB = 0;
        for (int r = 0; r < rounds; r++) {
            roundRatios[r] = (double) Arrays.stream(wallA[r]).sum() / Arrays.stream(wallB[r]).sum();
            sumA += Arrays.stream(wallA[r]).sum();
            sumB += Arrays.stream(wallB[r]).sum();
        }
        // Two-level percentile bootstrap (rounds, then pairs within them), seeded so that a report can
        // be reproduced from the same times.
        Random rnd = new Random(1);
        int resamples = 4000;
        double[] ratios = new double[resamples];
        for (int k = 0; k < resamples; k++) {
            double sa = 0;
            double sb = 0;
            for (int i = 0; i < rounds; i++) {
                int r = rnd.nextInt(rounds);
                for (int p = 0; p < pairs; p++) {
                    int j = rnd.nextInt(pairs);
                    sa += wallA[r][j];
                    sb += wallB[r][j];
                }
            }
            ratios[k] = sa / sb;
        }
        Arrays.sort(ratios);
        double steps = (double) rounds * pairs * s.block();
        return new Estimate(sumA / steps / 1e6, sumB / steps / 1e6, sumA / sumB, ratios[(int) (0.025 * resamples)],
                ratios[(int) (0.975 * resamples) - 1], Stats.min(roundRatios), Stats.max(roundRatios),
                (double) s.cpuA() / s.cpuB(), s.lossA(), s.lossB(), Stats.median(pairRatios), s.jitMsA(), s.jitMsB());
    }
}
