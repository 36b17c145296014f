package dev.lightning4j.benchmarks;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures the Trainer's per-step cost against hand-written loops on each engine, the engines'
 * matmul rate, and resident memory. Everything is measured in the same JVM run and reported as
 * medians over repetitions, with the Trainer's time as a ratio to its own engine's raw loop.
 *
 * <p>Arguments (all optional): {@code --reps=5 --warmup=50 --steps=200 --workloads=mlp,cnn
 * --matmul=2048 --rss-steps=20000 --loops=0,1,2,3,4,5,6 --profile=false}. {@code --rss-steps=0} skips
 * the long memory run; {@code --loops} picks loops by index (raw DJL, Trainer pytorch, raw TF,
 * Trainer tensorflow, raw TF with Adam as separate ops, the API step without the Trainer on pytorch
 * and on tensorflow); {@code --profile=true} samples each loop's
 * stacks and prints the hottest methods. See BENCHMARKS.md.
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

    private static final String[] LOOPS = {"raw DJL", "Trainer pytorch", "raw TF", "Trainer tensorflow",
        "raw TF, Adam as ops (diagnostic)", "API step, no Trainer, pytorch (diagnostic)",
        "API step, no Trainer, tensorflow (diagnostic)"};

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

        System.out.println("# Lightning4J benchmarks");
        System.out.println("date: " + ZonedDateTime.now());
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, " + Proc.cpuModel()
                + ", RAM " + Proc.memTotal() + ", Java " + System.getProperty("java.version") + " ("
                + System.getProperty("java.vm.name") + ")");
        System.out.println("options: " + opt);
        System.out.println();

        // Hardware limit, per engine.
        double djlGflops = RawDjlLoop.matmulGflops(n, 10);
        double tfGflops = RawTfLoop.matmulGflops(n, 10);
        System.out.printf(Locale.ROOT, "matmul %dx%d fp32 (median of 10): libtorch %.1f GFLOP/s, TensorFlow %.1f GFLOP/s%n%n",
                n, n, djlGflops, tfGflops);

        StepLoop[] loops = {new RawDjlLoop(), new TrainerLoop("pytorch"), new RawTfLoop(true), new TrainerLoop("tensorflow"),
            new RawTfLoop(false), new ApiStepLoop("pytorch"), new ApiStepLoop("tensorflow")};
        double[] limits = {djlGflops, djlGflops, tfGflops, tfGflops, tfGflops, djlGflops, tfGflops};
        List<String> rows = new ArrayList<>();
        for (String name : opt.get("workloads").split(",")) {
            Workload w = switch (name.trim()) {
                case "mlp" -> Workload.mlp(100);
                case "cnn" -> Workload.cnn(100);
                default -> throw new IllegalArgumentException("unknown workload " + name + "; known: mlp, cnn");
            };
            int nl = loops.length;
            double[][] ms = new double[nl][reps];
            double[][] cpu = new double[nl][reps];
            double[][] rss = new double[nl][reps];
            double[] loss = new double[nl];
            for (int r = 0; r < reps; r++) {
                // Alternate the order within each engine pair so that drifting load favours neither.
                int[] order = r % 2 == 0 ? new int[] {0, 1, 5, 2, 3, 6, 4} : new int[] {5, 1, 0, 6, 3, 2, 4};
                for (int i : order) {
                    if (!(opt.get("loops").contains(String.valueOf(i)))) {
                        continue;
                    }
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
                if (!opt.get("loops").contains(String.valueOf(i))) {
                    continue;
                }
                double med = Stats.median(ms[i]);
                String ratio = "1 (baseline)";
                String cpuRatio = "1 (baseline)";
                // The diagnostics are compared with their engine's raw loop too.
                int base = switch (i) {
                    case 4, 6 -> 2;
                    case 5 -> 0;
                    default -> i - 1;
                };
                if ((i % 2 == 1 || i >= 4) && opt.get("loops").contains(String.valueOf(base))) {
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
        System.out.println("| workload | loop | wall ms/step, median [min-max] | wall ratio to raw (per-rep ratios min-max) "
                + "| CPU ms/step (all threads) | CPU ratio to raw | achieved GFLOP/s (wall) | of matmul limit | peak RSS | last loss |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.out.println();

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
