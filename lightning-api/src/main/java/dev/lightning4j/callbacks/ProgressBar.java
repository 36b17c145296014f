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
            out.print(batchLine(trainer.currentEpoch(), batchesDone, totalBatches, (now - epochStart) / 1e9,
                    trainer.state().progressBarMetrics()));
            out.flush();
        }
    }

    /**
     * The redrawn line, {@code "\rEpoch 0:  42%|########            | 42/100 [00:01<00:02, 35.0it/s, loss=0.6378]"},
     * built without {@link String#format}: a JDK 17 Formatter looks up the locale's digit symbols again
     * for every call, which made this line cost about 20 microseconds a step in the benchmarks.
     */
    static String batchLine(int epoch, int done, int total, double seconds, Map<String, Double> metrics) {
        double rate = done / Math.max(seconds, 1e-9);
        double eta = (total - done) / Math.max(rate, 1e-9);
        int width = 20;
        int filled = total == 0 ? 0 : Math.min(width, width * done / total);
        int percent = total == 0 ? 0 : 100 * done / total;
        StringBuilder sb = new StringBuilder(96).append("\rEpoch ").append(epoch).append(": ");
        sb.append(percent < 10 ? "  " : percent < 100 ? " " : "").append(percent).append("%|");
        sb.append("#".repeat(filled)).append(" ".repeat(width - filled)).append("| ").append(done).append('/').append(total);
        sb.append(" [");
        clock(sb, seconds).append('<');
        clock(sb, eta).append(", ");
        fixed(sb, rate, 1).append("it/s");
        metrics.forEach((k, v) -> significant(sb.append(", ").append(k).append('='), v));
        return sb.append("]   ").toString();
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
        // Built as the batch line is, without String.format: this runs once an epoch, so in cold code,
        // where a Formatter (a regex parse of the pattern) cost ~0.3 ms an epoch in the benchmarks.
        StringBuilder sb = new StringBuilder(96).append("Epoch ").append(trainer.currentEpoch() + 1);
        if (maxEpochs != Integer.MAX_VALUE) {
            sb.append('/').append(maxEpochs);
        }
        sb.append(" | ").append(batchesDone).append(" batches | ");
        fixed(sb, seconds, 2).append("s | ");
        fixed(sb, batchesDone / Math.max(seconds, 1e-9), 1).append(" it/s | step ").append(trainer.globalStep());
        String line = sb.append(metricText(shown, " ", " | ")).toString();
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
        metrics.forEach((k, v) -> significant(sb.append(sep).append(k).append(eq), v));
        return sb.toString();
    }

    private static String clock(double seconds) {
        return clock(new StringBuilder(5), seconds).toString();
    }

    /** {@code mm:ss}, as {@code %02d:%02d}. */
    private static StringBuilder clock(StringBuilder sb, double seconds) {
        long s = (long) seconds;
        long m = s / 60;
        return sb.append(m < 10 ? "0" : "").append(m).append(s % 60 < 10 ? ":0" : ":").append(s % 60);
    }

    /** {@code v} with {@code decimals} decimals, as {@code %.Nf} for the magnitudes a rate has. */
    static StringBuilder fixed(StringBuilder sb, double v, int decimals) {
        if (!Double.isFinite(v) || Math.abs(v) >= 1e15) {
            return sb.append(String.format(Locale.ROOT, "%." + decimals + "f", v));
        }
        long scale = (long) Math.pow(10, decimals);
        long scaled = Math.round(Math.abs(v) * scale);
        if (v < 0 && scaled != 0) {
            sb.append('-');
        }
        sb.append(scaled / scale);
        if (decimals > 0) {
            String frac = Long.toString(scaled % scale);
            sb.append('.').append("0".repeat(decimals - frac.length())).append(frac);
        }
        return sb;
    }

    /**
     * {@code v} to four significant digits, as {@code %.4g}: fixed notation for magnitudes in
     * [1e-4, 1e4), where the hand-rolled path applies, and {@code String.format} otherwise.
     */
    static StringBuilder significant(StringBuilder sb, double v) {
        double a = Math.abs(v);
        if (Double.isFinite(v) && a >= 1e-4 && a < 1e4) {
            int exponent = (int) Math.floor(Math.log10(a));
            int decimals = Math.max(0, 3 - exponent);
            // Rounding can carry into the next power of ten (9.99996 -> 10.00): one decimal fewer then.
            if (Math.round(a * Math.pow(10, decimals)) >= Math.pow(10, 4) && decimals > 0) {
                decimals--;
            }
            if (Math.round(a * Math.pow(10, decimals)) < Math.pow(10, 4)) {
                return fixed(sb, v, decimals);
            }
        }
        return sb.append(String.format(Locale.ROOT, "%.4g", v));
    }
}
