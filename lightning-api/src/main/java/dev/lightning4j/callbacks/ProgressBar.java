package dev.lightning4j.callbacks;

import dev.lightning4j.core.LightningModule;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.trainer.Trainer;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Shows training progress. On a terminal it redraws one line per epoch (batches, rate, ETA and the
 * metrics logged with {@code progBar}); elsewhere, as under CI, it prints one plain line per
 * epoch with the epoch's metrics.
 */
public final class ProgressBar implements Callback {
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private long epochStart;
    private long lastDraw;
    private int batchesDone;
    private int totalBatches;

    /** Prints to {@code out}, redrawing in place when the JVM has a terminal. */
    public ProgressBar(PrintStream out) {
        this(out, System.console() != null && out == System.out);
    }

    /** Prints to {@code out}, redrawing in place when {@code terminal}. */
    public ProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void onTrainEpochStart(Trainer trainer, LightningModule module) {
        epochStart = System.nanoTime();
        batchesDone = 0;
        totalBatches = trainer.activeFit() == null ? 0 : trainer.activeFit().trainBatches();
    }

    @Override
    public void onTrainBatchEnd(Trainer trainer, LightningModule module, Map<String, Double> metrics, HostBatch batch, int batchIdx) {
        batchesDone++;
        long now = System.nanoTime();
        if (terminal && now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            double seconds = (now - epochStart) / 1e9;
            double rate = batchesDone / Math.max(seconds, 1e-9);
            double eta = (totalBatches - batchesDone) / Math.max(rate, 1e-9);
            int width = 20;
            int filled = totalBatches == 0 ? 0 : Math.min(width, width * batchesDone / totalBatches);
            out.print(String.format(Locale.ROOT, "\rEpoch %d: %3d%%|%s%s| %d/%d [%s<%s, %.1fit/s%s]   ",
                    trainer.currentEpoch(), totalBatches == 0 ? 0 : 100 * batchesDone / totalBatches,
                    "#".repeat(filled), " ".repeat(width - filled), batchesDone, totalBatches,
                    clock(seconds), clock(eta), rate, metricText(trainer.state().progressBarMetrics(), "=", ", ")));
            out.flush();
        }
    }

    @Override
    public void onTrainEpochEnd(Trainer trainer, LightningModule module) {
        double seconds = (System.nanoTime() - epochStart) / 1e9;
        int maxEpochs = trainer.config().effectiveMaxEpochs();
        Map<String, Double> shown = new LinkedHashMap<>(trainer.state().progressBarMetrics());
        trainer.callbackMetrics().forEach((k, v) -> {
            if (!k.endsWith("_step") && !k.startsWith("lr-")) {
                shown.putIfAbsent(k, v);
            }
        });
        String line = String.format(Locale.ROOT, "Epoch %d%s | %d batches | %.2fs | %.1f it/s | step %d%s",
                trainer.currentEpoch() + 1, maxEpochs == Integer.MAX_VALUE ? "" : "/" + maxEpochs, batchesDone,
                seconds, batchesDone / Math.max(seconds, 1e-9), trainer.globalStep(), metricText(shown, " ", " | "));
        out.println(terminal ? "\r" + line + "        " : line);
    }

    @Override
    public void onValidationEnd(Trainer trainer, LightningModule module) {
        if (trainer.activeFit() == null && !trainer.state().sanityChecking()) {
            out.println("validate | " + metricText(trainer.state().lastEvaluation(), " ", " | ").replaceFirst("^ \\| ", ""));
        }
    }

    @Override
    public void onTestEnd(Trainer trainer, LightningModule module) {
        out.println("test | " + metricText(trainer.state().lastEvaluation(), " ", " | ").replaceFirst("^ \\| ", ""));
    }

    private static String metricText(Map<String, Double> metrics, String eq, String sep) {
        StringBuilder sb = new StringBuilder();
        metrics.forEach((k, v) -> sb.append(sep).append(k).append(eq).append(String.format(Locale.ROOT, "%.4g", v)));
        return sb.toString();
    }

    private static String clock(double seconds) {
        long s = (long) seconds;
        return String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }
}
