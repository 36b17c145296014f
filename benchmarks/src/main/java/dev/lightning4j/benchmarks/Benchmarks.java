package dev.lightning4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures the Trainer's per-step cost against hand-written loops on each engine, the engines'
 * matmul rate, and resident memory, all in one JVM run. Two measurements of the Trainer's ratio to
 * its engine's raw loop: separate runs of each loop (medians over repetitions, with absolute
 * times, FLOP rates and memory), and {@link Interleaved} comparisons, which alternate short blocks
 * of two loops and resolve differences of about 1.5% on a shared machine.
 *
 * <p>Arguments (all optional): {@code --reps=5 --warmup=50 --steps=200 --workloads=mlp,cnn
 * --matmul=2048 --rss-steps=20000 --loops=0,1,2,3,4,5,6 --profile=false
 * --compare=1/0,3/2,0/0,2/2 --rounds=10 --pairs=40 --block=10 --jit-warmup=8 --forks=3}. {@code --rss-steps=0} skips
 * the long memory run, {@code --reps=0} the separate runs, {@code --pairs=0} the interleaved ones;
 * {@code --loops} picks loops by index (raw DJL, Trainer pytorch, raw TF, Trainer tensorflow, raw
 * TF with Adam as separate ops, the API step without the Trainer on pytorch and on tensorflow, raw TF
 * keeping PyTorch's layouts with transposes in the graph, raw TF keeping only the conv kernels in
 * PyTorch's layout, raw TF with the layouts the Trainer's graph keeps, the Trainer on pytorch and on
 * tensorflow with each batch gathered into arrays of its own, the API step with the raw loops' plain
 * loss instead of {@code F.crossEntropy} on pytorch and on tensorflow) and
 * {@code --compare} pairs of them as A/B; {@code --profile=true} samples each loop's stacks and
 * prints the hottest methods; {@code --jit-warmup} is the seconds each loop trains once per workload
 * before anything is measured; {@code --forks=N} runs the interleaved comparisons in N fresh JVMs one
 * after another and pools their rounds. See BENCHMARKS.md.
 */
public final class Benchmarks {
    private Benchmarks() {
    }

    /** "median ratio (+x%) [min-max of the per-repetition ratios]", pairing each repetition with its baseline. */
    private static String ratio(double[] x, double[] base) {
        double[] rr = new double[x.length];
        for (int r = 0; r < x.length; r++) {
            rr[r] = x[r] / base[r];
        }
        double m = Stats.median(x) / Stats.median(base);
        return String.format(Locale.ROOT, "%.3f (%+.1f%%) [%.3f-%.3f]", m, 100 * (m - 1), Stats.min(rr), Stats.max(rr));
    }

    /** The loops each workload is measured with, warmed up once per process (see {@link StepLoop#warmUpJit}). */
    private static final java.util.Set<String> WARM = new java.util.HashSet<>();

    private static void warmUp(StepLoop[] loops, int i, Workload w, double seconds) {
        if (seconds > 0 && WARM.add(i + "/" + w.name)) {
            System.out.printf(Locale.ROOT, "  JIT warm-up: %s, %s, %.0f s%n", w.name, LOOPS[i], seconds);
            loops[i].warmUpJit(w, seconds);
        }
    }

    /**
     * The interleaved comparisons, one row per workload and pair of loops: measured in this process, or
     * with {@code forks > 1} in that many fresh JVMs one after another (see {@link #fork}), whose rounds
     * are pooled into one estimate, each fork's own ratio shown beside it.
     */
    private static void interleaved(StepLoop[] loops, Map<String, String> opt, int warmup, double jitWarmup) {
        int forks = Integer.parseInt(opt.get("forks"));
        int rounds = Integer.parseInt(opt.get("rounds"));
        int pairs = Integer.parseInt(opt.get("pairs"));
        int block = Integer.parseInt(opt.get("block"));
        // "workload/A/B" -> the samples of each process that measured it, in order.
        Map<String, List<Interleaved.Samples>> measured = new LinkedHashMap<>();
        if (forks > 1) {
            for (int f = 1; f <= forks; f++) {
                for (String line : fork(opt, f, forks)) {
                    String[] kv = line.split("\t", 2);
                    measured.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(Interleaved.Samples.decode(kv[1]));
                }
            }
        } else {
            List<String> lines = new ArrayList<>();
            for (String name : opt.get("workloads").split(",")) {
                Workload w = workload(name);
                for (String c : opt.get("compare").split(",")) {
                    String[] ab = c.trim().split("/");
                    if (ab.length != 2) {
                        throw new IllegalArgumentException("--compare expects A/B pairs of loop indices, got " + c);
                    }
                    int a = Integer.parseInt(ab[0]);
                    int b = Integer.parseInt(ab[1]);
                    warmUp(loops, a, w, jitWarmup);
                    warmUp(loops, b, w, jitWarmup);
                    System.gc();
                    Interleaved.Samples samples = Interleaved.sample(loops[a], loops[b], w, warmup, rounds, pairs, block);
                    String key = w.name + "/" + a + "/" + b;
                    measured.computeIfAbsent(key, k -> new ArrayList<>()).add(samples);
                    lines.add(key + "\t" + samples.encode());
                    System.out.println("  interleaved " + row(key, List.of(samples)));
                }
            }
            String out = opt.get("samples-out");
            if (!out.isEmpty()) {
                try {
                    Files.write(Path.of(out), lines);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the samples to " + out, e);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nInterleaved: %s%d rounds of %d pairs of %d-step blocks per comparison, after %d "
                + "warm-up steps each round, then blocks until the JIT is quiet%n", forks > 1 ? forks + " processes x " : "", rounds, pairs, block, warmup);
        System.out.println("| workload | loop A | loop B | A ms/step | B ms/step | wall ratio A/B [95% CI] "
                + "| per-round ratios | median pair ratio | CPU ratio A/B | JIT ms in A / B blocks | last loss A / B |"
                + (forks > 1 ? " ratio in each process |" : ""));
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|" + (forks > 1 ? "---|" : ""));
        measured.forEach((key, samples) -> System.out.println(row(key, samples)));
        System.out.println();
    }

    /** One table row for the comparison "workload/A/B" from the samples of one or more processes. */
    private static String row(String key, List<Interleaved.Samples> samples) {
        String[] k = key.split("/");
        int a = Integer.parseInt(k[1]);
        int b = Integer.parseInt(k[2]);
        Interleaved.Estimate e = Interleaved.estimate(Interleaved.Samples.pool(samples));
        String row = String.format(Locale.ROOT,
                "| %s | %s | %s | %.3f | %.3f | **%.4f (%+.1f%%)** [%.4f, %.4f] | %.3f-%.3f | %.4f (%+.1f%%) | %.4f | %.0f / %.0f | %.6f / %.6f |",
                k[0], LOOPS[a], a == b ? "itself (A/A)" : LOOPS[b], e.msA(), e.msB(), e.ratio(),
                100 * (e.ratio() - 1), e.lo(), e.hi(), e.roundMin(), e.roundMax(), e.pairMedian(),
                100 * (e.pairMedian() - 1), e.cpuRatio(), e.jitMsA(), e.jitMsB(), e.lossA(), e.lossB());
        if (samples.size() > 1) {
            StringBuilder each = new StringBuilder();
            for (Interleaved.Samples s : samples) {
                each.append(each.length() == 0 ? " " : ", ").append(String.format(Locale.ROOT, "%.4f",
                        Interleaved.estimate(s).ratio()));
            }
            row += each + " |";
        }
        return row;
    }

    /**
     * Runs the interleaved comparisons in a fresh JVM with this one's options and classpath (and the
     * environment, so the OpenMP and malloc settings too), and returns its samples. Each process
     * compiles and lays out the loops anew, so pooling several shows what one process's JIT and memory
     * layout contribute, which rounds within one process cannot.
     */
    private static List<String> fork(Map<String, String> opt, int index, int forks) {
        try {
            Path samples = Files.createTempFile("lightning4j-bench-", ".samples");
            try {
                List<String> cmd = new ArrayList<>();
                cmd.add(ProcessHandle.current().info().command()
                        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
                cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
                cmd.add("-cp");
                cmd.add(System.getProperty("java.class.path"));
                cmd.add(Benchmarks.class.getName());
                Map<String, String> child = new LinkedHashMap<>(opt);
                child.put("forks", "1");
                child.put("reps", "0");
                child.put("rss-steps", "0");
                child.put("matmul", "0");
                child.put("samples-out", samples.toString());
                child.forEach((k, v) -> cmd.add("--" + k + "=" + v));
                System.out.printf(Locale.ROOT, "  process %d of %d for the interleaved comparisons%n", index, forks);
                int rc = new ProcessBuilder(cmd).inheritIO().start().waitFor();
                if (rc != 0) {
                    throw new IllegalStateException("benchmark process " + index + " of " + forks + " exited with " + rc);
                }
                return Files.readAllLines(samples);
            } finally {
                Files.deleteIfExists(samples);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run benchmark process " + index + " of " + forks, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while benchmark process " + index + " ran", e);
        }
    }

    private static Workload workload(String name) {
        return switch (name.trim()) {
            case "mlp" -> Workload.mlp(100);
            case "cnn" -> Workload.cnn(100);
            default -> throw new IllegalArgumentException("unknown workload " + name + "; known: mlp, cnn");
        };
    }

    private static final String[] LOOPS = {"raw DJL", "Trainer pytorch", "raw TF", "Trainer tensorflow",
        "raw TF, Adam as ops (diagnostic)", "API step, no Trainer, pytorch (diagnostic)",
        "API step, no Trainer, tensorflow (diagnostic)", "raw TF in PyTorch's layouts (diagnostic)",
        "raw TF with PyTorch's conv kernels (diagnostic)",
        "raw TF with the Trainer's layouts (diagnostic)", "Trainer pytorch, gathered batches (diagnostic)",
        "Trainer tensorflow, gathered batches (diagnostic)", "API step, plain loss, pytorch (diagnostic)",
        "API step, plain loss, tensorflow (diagnostic)"};

    public static void main(String[] args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        Map<String, String> opt = new LinkedHashMap<>();
        opt.put("reps", "5");
        opt.put("warmup", "50");
        opt.put("steps", "200");
        opt.put("workloads", "mlp,cnn");
        opt.put("matmul", "2048");
        opt.put("rss-steps", "20000");
        opt.put("profile", "false"); // sample the stacks of each loop and print the hottest methods
        // raw DJL, Trainer pytorch, raw TF, Trainer tensorflow, raw TF unfused Adam, API step pytorch, API step tensorflow
        opt.put("loops", "0,1,2,3,4,5,6");
        // The interleaved comparisons "A/B" by loop index: each Trainer and API step against its raw loop, and each
        // raw loop against itself (A/A, the method's resolution); pairs=0 skips them. Each switch between the loops
        // leaves the next block's first step with cold caches, a cost that falls on the loop with more Java code,
        // so blocks are 10 steps: A/A intervals of +-1.5-2% (after the JIT warm-up) at one switch per 10 steps.
        opt.put("jit-warmup", "8"); // seconds each loop runs per workload before any measurement
        // Each Trainer against its raw loop and each raw loop against itself; the API steps (5/0, 6/2) on request.
        opt.put("compare", "1/0,3/2,0/0,2/2");
        opt.put("rounds", "10");
        opt.put("pairs", "40");
        opt.put("block", "10");
        // Processes the interleaved comparisons run in, one after another, pooled (1: this one): a
        // process's ratio can differ from the next one's by 2-3 points (BENCHMARKS.md, round 7).
        opt.put("forks", "3");
        opt.put("samples-out", ""); // where a forked process leaves its samples (set by the parent)
        for (String a : args) {
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new IllegalArgumentException("unknown argument " + a + "; expected --name=value, names " + opt.keySet());
            }
            String k = a.substring(2, a.indexOf('='));
            if (!opt.containsKey(k)) {
                throw new IllegalArgumentException("unknown option " + k + "; known: " + opt.keySet());
            }
            opt.put(k, a.substring(a.indexOf('=') + 1));
        }
        int reps = Integer.parseInt(opt.get("reps"));
        int warmup = Integer.parseInt(opt.get("warmup"));
        int steps = Integer.parseInt(opt.get("steps"));
        int n = Integer.parseInt(opt.get("matmul"));
        int rssSteps = Integer.parseInt(opt.get("rss-steps"));
        double jitWarmup = Double.parseDouble(opt.get("jit-warmup"));

        System.out.println("# Lightning4J benchmarks");
        System.out.println("date: " + ZonedDateTime.now());
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, " + Proc.cpuModel()
                + ", RAM " + Proc.memTotal() + ", Java " + System.getProperty("java.version") + " ("
                + System.getProperty("java.vm.name") + ")");
        System.out.println("options: " + opt);
        System.out.println();

        // Hardware limit, per engine (--matmul=0 skips it; the "of matmul limit" column is then NaN).
        if (n < 0) {
            throw new IllegalArgumentException("--matmul expects the matrix size (0 to skip), got " + n);
        }
        double djlGflops = n == 0 ? Double.NaN : RawDjlLoop.matmulGflops(n, 10);
        double tfGflops = n == 0 ? Double.NaN : RawTfLoop.matmulGflops(n, 10);
        if (n > 0) {
            System.out.printf(Locale.ROOT, "matmul %dx%d fp32 (median of 10): libtorch %.1f GFLOP/s, TensorFlow %.1f GFLOP/s%n%n",
                    n, n, djlGflops, tfGflops);
        }

        StepLoop[] loops = {new RawDjlLoop(), new TrainerLoop("pytorch"), new RawTfLoop(true), new TrainerLoop("tensorflow"),
            new RawTfLoop(false), new ApiStepLoop("pytorch"), new ApiStepLoop("tensorflow"), new RawTfLoop(true, RawTfLoop.Layout.TORCH),
            new RawTfLoop(true, RawTfLoop.Layout.TORCH_KERNELS), new RawTfLoop(true, RawTfLoop.Layout.TORCH_PERMUTED),
            new TrainerLoop("pytorch", null, true), new TrainerLoop("tensorflow", null, true),
            new ApiStepLoop("pytorch", true), new ApiStepLoop("tensorflow", true)};
        double[] limits = {djlGflops, djlGflops, tfGflops, tfGflops, tfGflops, djlGflops, tfGflops, tfGflops, tfGflops, tfGflops,
            djlGflops, tfGflops, djlGflops, tfGflops};
        java.util.Set<Integer> selected = new java.util.HashSet<>();
        for (String i : opt.get("loops").split(",")) {
            int index = Integer.parseInt(i.trim());
            if (index < 0 || index >= loops.length) {
                throw new IllegalArgumentException("--loops: no loop " + index + "; the loops are 0-" + (loops.length - 1));
            }
            selected.add(index);
        }
        List<String> rows = new ArrayList<>();
        for (String name : opt.get("workloads").split(",")) {
            Workload w = workload(name);
            int nl = loops.length;
            double[][] ms = new double[nl][reps];
            double[][] cpu = new double[nl][reps];
            double[][] rss = new double[nl][reps];
            double[] loss = new double[nl];
            if (reps == 0) { // --reps=0 skips the per-run table
                break;
            }
            for (int r = 0; r < reps; r++) {
                // Alternate the order within each engine pair so that drifting load favours neither.
                int[] order = r % 2 == 0 ? new int[] {0, 1, 5, 2, 3, 6, 4} : new int[] {5, 1, 0, 6, 3, 2, 4};
                for (int i : order) {
                    if (!selected.contains(i)) {
                        continue;
                    }
                    warmUp(loops, i, w, jitWarmup);
                    System.gc();
                    Sampler sampler = Boolean.parseBoolean(opt.get("profile")) ? new Sampler(Thread.currentThread()) : null;
                    StepLoop.Result res = loops[i].run(w, warmup, steps);
                    if (sampler != null) {
                        sampler.close();
                        System.out.println("profile of " + LOOPS[i] + " (warm-up included):\n" + sampler.report(25));
                    }
                    ms[i][r] = res.msPerStep();
                    cpu[i][r] = res.cpuMsPerStep();
                    rss[i][r] = res.peakRssBytes();
                    loss[i] = res.lastLoss();
                    System.out.printf(Locale.ROOT, "  %s rep %d %-20s %8.3f ms/step (CPU %7.3f)  loss %.6f  peak RSS %s%n",
                            w.name, r + 1, LOOPS[i], res.msPerStep(), res.cpuMsPerStep(), res.lastLoss(), Proc.mb(res.peakRssBytes()));
                }
            }
            double flops = w.stepFlops();
            for (int i = 0; i < nl; i++) {
                if (!selected.contains(i)) {
                    continue;
                }
                double med = Stats.median(ms[i]);
                String ratio = "1 (baseline)";
                String cpuRatio = "1 (baseline)";
                // The diagnostics are compared with their engine's raw loop too.
                int base = switch (i) {
                    case 4, 6, 7, 8, 9, 11, 13 -> 2;
                    case 5, 10, 12 -> 0;
                    default -> i - 1;
                };
                if ((i % 2 == 1 || i >= 4) && selected.contains(base)) {
                    ratio = ratio(ms[i], ms[base]);
                    cpuRatio = ratio(cpu[i], cpu[base]);
                }
                double gflops = flops / (med / 1e3) / 1e9;
                rows.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %.1f | %.0f%% | %s | %.6f |", w.name,
                        LOOPS[i], Stats.spread(ms[i], "%.2f"), ratio, Stats.spread(cpu[i], "%.2f"), cpuRatio, gflops,
                        100 * gflops / limits[i], Proc.mb((long) Stats.max(rss[i])), loss[i]));
            }
            System.out.printf(Locale.ROOT, "%s: %.1f MFLOP forward (%s), %.1f MFLOP per training step (x3)%n%n", w.name,
                    w.forwardFlops / 1e6, w.flopFormula, flops / 1e6);
        }
        if (!rows.isEmpty()) {
            System.out.println("| workload | loop | wall ms/step, median [min-max] | wall ratio to raw (per-rep ratios min-max) "
                    + "| CPU ms/step (all threads) | CPU ratio to raw | achieved GFLOP/s (wall) | of matmul limit | peak RSS | last loss |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
            System.out.println();
        }

        if (Integer.parseInt(opt.get("pairs")) > 0) {
            interleaved(loops, opt, warmup, jitWarmup);
        }

        if (rssSteps > 0) {
            Workload w = Workload.mlp(100);
            long[] marks = {1, 1000, 2000, 5000, 10000, 15000, 20000};
            for (String backend : new String[] {"pytorch", "tensorflow"}) {
                StringBuilder series = new StringBuilder();
                TrainerLoop loop = new TrainerLoop(backend, step -> {
                    for (long m : marks) {
                        if (step == m || (step == rssSteps && m > rssSteps)) {
                            series.append(String.format(Locale.ROOT, " %d:%s", step, Proc.mb(Proc.rss())));
                            break;
                        }
                    }
                });
                int warm = Math.min(1000, rssSteps / 2);
                StepLoop.Result res = loop.run(w, warm, rssSteps - warm);
                System.out.printf(Locale.ROOT, "RSS, Trainer %s, mlp, %d steps (step:RSS):%s | %.3f ms/step after step %d%n",
                        backend, rssSteps, series, res.msPerStep(), warm);
            }
        }
    }
}
