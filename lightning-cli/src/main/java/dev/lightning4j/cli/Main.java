package dev.lightning4j.cli;

import dev.lightning4j.checkpoint.CheckpointIO;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.io.AtomicFiles;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.trainer.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code lightning} command, as LightningCLI: {@code fit}, {@code validate}, {@code test} and
 * {@code predict} run a YAML configuration (model, data, trainer) on the engine it names;
 * {@code compare} runs it on several engines and writes a report. Configuration mistakes are
 * reported with the key, what was expected and the closest valid key, and exit with status 2
 * before anything is built.
 */
public final class Main {
    /** Exit status of a configuration or command-line mistake. */
    public static final int USAGE_ERROR = 2;
    /** Exit status of a run that failed. */
    public static final int RUN_FAILED = 1;

    static final String WORKER = "compare-worker";
    private static final List<String> COMMANDS = List.of("fit", "validate", "test", "predict", "compare");

    private Main() {
    }

    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit status (for tests and embedding). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            out.print(usage());
            return args.length == 0 ? USAGE_ERROR : 0;
        }
        String command = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            switch (command) {
                case "fit", "validate", "test", "predict" -> {
                    CliArgs cli = CliArgs.parse(command, rest, Set.of(), Set.of());
                    if (cli.help()) {
                        out.print(usage());
                        return 0;
                    }
                    return runStage(cli, out);
                }
                case "compare" -> {
                    CliArgs cli = CliArgs.parse(command, rest, Compare.VALUE_FLAGS, Compare.SWITCHES);
                    if (cli.help()) {
                        out.print(usage());
                        return 0;
                    }
                    return Compare.run(cli, out);
                }
                case WORKER -> {
                    return Compare.worker(CliArgs.parse(command, rest, Set.of("result"), Set.of()), out);
                }
                default -> throw new CliException("unknown command '" + command + "'; commands are "
                        + String.join(", ", COMMANDS) + Names.didYouMean(command, COMMANDS, ""));
            }
        } catch (CliException e) {
            err.println("error: " + e.getMessage());
            return USAGE_ERROR;
        }
    }

    private static int runStage(CliArgs cli, PrintStream out) {
        RunPlan plan = RunPlan.of(cli.tree());
        if (cli.printConfig()) {
            out.print(plan.yaml());
            return 0;
        }
        String ckpt = plan.ckptPath();
        if (ckpt != null && !cli.command().equals("fit") && (ckpt.equals("last") || ckpt.equals("best"))) {
            throw new CliException("ckpt_path: '" + ckpt + "' is only known while fitting; give the checkpoint's path for "
                    + cli.command());
        }
        RunPlan.Instances run = plan.instantiate();
        SaveConfigCallback save = new SaveConfigCallback(plan.yaml());
        try (Trainer trainer = plan.trainerBuilder(List.of(save)).build()) {
            String backend = trainer.backend().name();
            switch (cli.command()) {
                case "fit" -> {
                    trainer.fit(run.model(), run.data(), ckpt);
                    out.printf("fit finished on %s: %d epochs, %d steps%n", backend, trainer.currentEpoch(), trainer.globalStep());
                    printMetrics(out, trainer.callbackMetrics());
                }
                case "validate" -> {
                    loadWeights(run.model(), ckpt);
                    printMetrics(out, trainer.validate(run.model(), run.data()));
                }
                case "test" -> {
                    loadWeights(run.model(), ckpt);
                    printMetrics(out, trainer.test(run.model(), run.data()));
                }
                case "predict" -> {
                    loadWeights(run.model(), ckpt);
                    List<HostArray> predictions = trainer.predict(run.model(), run.data());
                    long rows = predictions.stream().mapToLong(p -> p.shape().rank() == 0 ? 1 : p.shape().get(0)).sum();
                    out.printf("predict finished on %s: %d batches, %d rows%n", backend, predictions.size(), rows);
                    if (save.savedTo() != null) {
                        Path file = save.savedTo().resolveSibling("predictions.csv");
                        writePredictions(file, predictions);
                        out.println("predictions: " + file);
                    }
                }
                default -> throw new IllegalStateException(cli.command());
            }
        }
        if (save.savedTo() != null) {
            out.println("config: " + save.savedTo());
        }
        return 0;
    }

    private static void loadWeights(LightningModule model, String ckpt) {
        if (ckpt == null) {
            return;
        }
        try {
            model.loadStateDict(CheckpointIO.loadModelState(Path.of(ckpt)), true);
        } catch (IOException e) {
            throw new CliException("ckpt_path: cannot read checkpoint " + ckpt + ": " + e.getMessage(), e);
        }
    }

    private static void printMetrics(PrintStream out, Map<String, Double> metrics) {
        new TreeMap<>(metrics).forEach((k, v) -> out.printf("  %-24s %.6g%n", k, v));
    }

    /** One row per example, its values flattened, comma-separated. */
    private static void writePredictions(Path file, List<HostArray> predictions) {
        StringBuilder sb = new StringBuilder();
        for (HostArray p : predictions) {
            double[] v = p.toDoubleArray();
            long rows = p.shape().rank() == 0 ? 1 : p.shape().get(0);
            int width = rows == 0 ? 0 : (int) (v.length / rows);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < width; c++) {
                    if (c > 0) {
                        sb.append(',');
                    }
                    sb.append((float) v[r * width + c]);
                }
                sb.append('\n');
            }
        }
        try {
            AtomicFiles.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static String usage() {
        return """
                usage: lightning <command> [--config FILE.yaml]... [--section.key=VALUE]... [--print-config]

                commands:
                  fit        train (with validation) the configured model on the configured data
                  validate   run the validation loop once and print its metrics
                  test       run the test loop once and print its metrics
                  predict    run prediction; writes predictions.csv beside the run's config.yaml
                  compare    fit the same configuration on each engine (own JVM each) and write a report:
                             --backends pytorch,tensorflow  --out DIR  --tolerance 1e-4  --strict

                configuration (YAML; several --config files merge, later ones and overrides win):
                  seed_everything: 42
                  trainer: {backend: tensorflow, max_epochs: 10, ...}      Lightning's Trainer options
                  model:   {class_path: my.pkg.Model, init_args: {hidden: 64, ...}}
                  data:    {class_path: my.pkg.Data,  init_args: {batch_size: 32, ...}}
                  ckpt_path: path/to/checkpoint.ckpt

                overrides: --trainer.max_epochs=3  --model.init_args.hidden=64 (or --model.hidden=64)
                --print-config prints the effective configuration and exits; every run saves it as
                config.yaml in its log directory.
                """;
    }
}
