package dev.lightning4j.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.lightning4j.backend.Backends;
import dev.lightning4j.io.AtomicFiles;
import dev.lightning4j.trainer.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code lightning compare}: fits one configuration on several engines with the same seed and
 * data order and reports how they differ. Each engine trains in its own child JVM (the same
 * classpath, this class's {@code compare-worker} entry point), so peak resident memory is that
 * engine's alone and one engine's native state cannot affect the other's timing; the workers run
 * one after the other so they do not compete for cores.
 */
public final class Compare {
    /** Flags that take a value. */
    static final Set<String> VALUE_FLAGS = Set.of("backends", "out", "tolerance");
    /** Flags without a value. */
    static final Set<String> SWITCHES = Set.of("strict");
    /** The parity tolerance used by EngineParity and the integration tests. */
    public static final double DEFAULT_TOLERANCE = 1e-4;
    /** Exit status of {@code --strict} when the engines diverge. */
    public static final int DIVERGED = 3;

    private static final String RESULT_FILE = "result.json";
    private static final String CONFIG_FILE = "compare-config.yaml";
    private static final String OUTPUT_FILE = "output.log";

    private Compare() {
    }

    static int run(CliArgs cli, PrintStream out) {
        List<String> backends = backends(cli.flag("backends"));
        double tolerance = tolerance(cli.flag("tolerance"));
        Map<String, Object> tree = cli.tree();
        RunPlan plan = RunPlan.of(tree);
        if (plan.seedEverything() == null) {
            // The comparison is only meaningful from identical initial weights and data order.
            tree.put("seed_everything", 42);
            plan = RunPlan.of(tree);
            if (!cli.printConfig()) {
                out.println("seed_everything is not set; using 42 on every engine");
            }
        }
        if (cli.printConfig()) {
            out.print(plan.yaml());
            return 0;
        }
        Path dir = outDir(cli.flag("out"), plan);
        List<EngineResult> results = new ArrayList<>();
        for (String backend : backends) {
            Map<String, Object> cfg = Configs.copy(plan.effective());
            Configs.override(cfg, "trainer.backend", backend);
            Configs.override(cfg, "trainer.default_root_dir", dir.resolve(backend).toString());
            RunPlan enginePlan = RunPlan.of(cfg);
            results.add(runWorker(enginePlan, backend, dir.resolve(backend), out));
        }
        Map<String, Object> shared = Configs.copy(plan.effective());
        Configs.asStringMap((Map<?, ?>) shared.get("trainer")).remove("backend");
        CompareReport report = new CompareReport(results, tolerance, shared);
        report.write(dir);
        out.println();
        out.print(report.table());
        out.println(report.verdict());
        out.println("report: " + dir.resolve("report.html"));
        return report.diverged() && cli.flag("strict") != null ? DIVERGED : 0;
    }

    private static EngineResult runWorker(RunPlan plan, String backend, Path dir, PrintStream out) {
        Path config = dir.resolve(CONFIG_FILE);
        Path result = dir.resolve(RESULT_FILE);
        Path log = dir.resolve(OUTPUT_FILE);
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(result);
            AtomicFiles.writeString(config, plan.yaml());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add(Main.class.getName());
        cmd.add(Main.WORKER);
        cmd.add("--config");
        cmd.add(config.toString());
        cmd.add("--result");
        cmd.add(result.toString());
        out.printf("[%s] training in its own JVM (output: %s)%n", backend, log);
        out.flush();
        long t0 = System.nanoTime();
        int status;
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("DJL_OFFLINE", "true");
            status = pb.start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM for " + backend, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + backend + " was training", e);
        }
        if (status != 0 || !Files.isRegularFile(result)) {
            throw new IllegalStateException("training on " + backend + " failed (exit status " + status + "); its output ("
                    + log + ") ends with:\n" + tail(log, 25));
        }
        try {
            EngineResult r = gson().fromJson(Files.readString(result, StandardCharsets.UTF_8), EngineResult.class);
            out.printf(Locale.ROOT, "[%s] done: %d steps in %.1f s%n", backend, r.losses().size(), (System.nanoTime() - t0) / 1e9);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + result, e);
        }
    }

    /** The child process: fit with a {@link RunRecorder} and write what it measured as JSON. */
    static int worker(CliArgs cli, PrintStream out) {
        String resultFile = cli.flag("result");
        if (resultFile == null) {
            throw new CliException(Main.WORKER + " needs --result FILE");
        }
        RunPlan plan = RunPlan.of(cli.tree());
        RunPlan.Instances run = plan.instantiate();
        RunRecorder recorder = new RunRecorder();
        SaveConfigCallback save = new SaveConfigCallback(plan.yaml());
        EngineResult result;
        try (Trainer trainer = plan.trainerBuilder(List.of(recorder, save)).build()) {
            long t0 = System.nanoTime();
            trainer.fit(run.model(), run.data(), plan.ckptPath());
            double seconds = (System.nanoTime() - t0) / 1e9;
            result = new EngineResult(trainer.backend().name(), recorder.losses(), recorder.stepMillis(), recorder.batchSizes(),
                    recorder.validations(), new LinkedHashMap<>(trainer.callbackMetrics()), ProcStatus.peakResidentKb(), seconds,
                    trainer.currentEpoch(), trainer.globalStep());
        }
        try {
            AtomicFiles.writeString(Path.of(resultFile), gson().toJson(result));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + resultFile, e);
        }
        return 0;
    }

    private static Gson gson() {
        return new GsonBuilder().serializeSpecialFloatingPointValues().create();
    }

    private static List<String> backends(String flag) {
        Set<String> installed = Backends.installed().keySet();
        List<String> chosen = new ArrayList<>();
        if (flag == null) {
            // The default engine first: it is the reference the others are compared with.
            if (installed.contains(Backends.DEFAULT)) {
                chosen.add(Backends.DEFAULT);
            }
            installed.stream().filter(b -> !chosen.contains(b)).forEach(chosen::add);
        } else {
            for (String b : new LinkedHashSet<>(List.of(flag.split(",")))) {
                String name = b.strip().toLowerCase(Locale.ROOT);
                if (!installed.contains(name)) {
                    throw new CliException("--backends: unknown backend '" + name + "'; installed backends are "
                            + String.join(", ", installed) + Names.closest(name, installed).map(c -> "; did you mean " + c + "?")
                            .orElse(""));
                }
                chosen.add(name);
            }
        }
        if (chosen.size() < 2) {
            throw new CliException("--backends: compare needs at least two engines, got " + chosen
                    + " (installed: " + String.join(", ", installed) + ")");
        }
        return chosen;
    }

    private static double tolerance(String flag) {
        if (flag == null) {
            return DEFAULT_TOLERANCE;
        }
        try {
            double t = Double.parseDouble(flag.strip());
            if (t >= 0 && Double.isFinite(t)) {
                return t;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CliException("--tolerance: expected a relative tolerance >= 0 such as 1e-4, got '" + flag + "'");
    }

    private static Path outDir(String flag, RunPlan plan) {
        if (flag != null) {
            return Path.of(flag);
        }
        Object root = plan.trainer().config().get("default_root_dir");
        Path base = root == null ? Path.of("") : Path.of((String) root);
        // Under lightning_logs/, beside the runs, so a checkout's .gitignore already covers it.
        return base.resolve("lightning_logs").resolve("compare").resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(no output)";
        }
    }
}
