package dev.lightning4j.loggers;

import dev.lightning4j.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Logs to a TensorBoard event file in {@code <rootDir>/<name>/version_<n>/}, as Lightning's
 * {@code TensorBoardLogger(save_dir, name="lightning_logs", version=None, default_hp_metric=True,
 * prefix="")}: each metric becomes a scalar summary, hyper-parameters go to the HParams plugin
 * (experiment, session start and session end summaries) and to {@code hparams.yaml}.
 *
 * <p>The event file, {@code events.out.tfevents.<unix-seconds>.<hostname>.<pid>.<counter>}, is
 * created on the first record and holds TFRecord-framed {@code tensorflow.Event} protocol buffers,
 * encoded without a protobuf library. Records are buffered and appended on {@link #save()} and
 * {@link #close()}, then synced to the device; {@code hparams.yaml} is replaced atomically. Like
 * Lightning, logging hyper-parameters without metrics also logs {@code hp_metric = -1} at step 0
 * so that TensorBoard's HParams tab lists the run; turn that off with
 * {@link Builder#defaultHpMetric(boolean)}. Thread-safe.
 */
public final class TensorBoardLogger extends RunLogger {
    /** The hyper-parameters file name. */
    public static final String HPARAMS_FILE = "hparams.yaml";
    /** The metric Lightning logs with the hyper-parameters. */
    public static final String HP_METRIC = "hp_metric";

    private final boolean defaultHpMetric;
    private final Map<String, Object> hparams = new LinkedHashMap<>();
    private EventFileWriter writer;
    private boolean hparamsWritten;
    private boolean closed;

    /** A logger writing to {@code <rootDir>/lightning_logs/version_<next>}. */
    public TensorBoardLogger(Path rootDir) {
        this(builder().rootDir(rootDir));
    }

    /** A logger writing to {@code <rootDir>/<name>/version_<next>}. */
    public TensorBoardLogger(Path rootDir, String name) {
        this(builder().rootDir(rootDir).name(name));
    }

    private TensorBoardLogger(Builder b) {
        super(b);
        this.defaultHpMetric = b.defaultHpMetric;
    }

    /** Starts a configuration: root {@code .}, name {@code lightning_logs}, next free version. */
    public static Builder builder() {
        return new Builder();
    }

    /** The event file, once the first record has been logged. */
    public synchronized Optional<Path> eventFile() {
        return writer == null ? Optional.empty() : Optional.of(writer.file());
    }

    /** The hyper-parameters file, {@code <logDir>/hparams.yaml}. */
    public Path hparamsFile() {
        return run.logDir().resolve(HPARAMS_FILE);
    }

    /**
     * Records {@code params} with the default metric: {@code hp_metric = -1} unless turned off
     * (then only {@code hparams.yaml} is written), as Lightning's {@code log_hyperparams(params)}.
     */
    @Override
    public void logHyperparams(Map<String, Object> params) {
        logHyperparams(params, null);
    }

    /**
     * Records {@code params} for {@code hparams.yaml} and, when there are metrics, logs them at
     * step 0 and writes the HParams plugin summaries linking the run's hyper-parameters (nested
     * maps flattened with {@code /}; values other than booleans, numbers and strings written as
     * Python would print them) to those metrics. {@code metrics} null means the default metric.
     */
    public synchronized void logHyperparams(Map<String, Object> params, Map<String, Double> metrics) {
        checkOpen();
        Map<String, Object> normalized = Hparams.normalize(params);
        hparams.putAll(normalized);
        hparamsWritten = false;
        Map<String, Double> hpMetrics = metrics != null ? metrics
                : defaultHpMetric ? Map.of(HP_METRIC, -1.0) : Map.of();
        if (hpMetrics.isEmpty()) {
            return;
        }
        logMetrics(hpMetrics, 0);
        Map<String, Object> flat = sanitize(Hparams.flatten(normalized, "/"));
        double now = now();
        EventFileWriter w = writer(now);
        List<String> tags = new ArrayList<>();
        for (String key : hpMetrics.keySet()) {
            tags.add(prefixed(key));
        }
        w.write(TfEvents.experiment(now, flat, tags));
        w.write(TfEvents.sessionStartInfo(now, flat));
        w.write(TfEvents.sessionEndInfo(now));
    }

    /** Logs each metric (null values skipped) as a scalar summary at {@code step}. */
    @Override
    public synchronized void logMetrics(Map<String, Double> metrics, long step) {
        checkOpen();
        if (metrics == null) {
            throw new NullPointerException("metrics must not be null");
        }
        double now = now();
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            if (e.getKey() == null) {
                throw new NullPointerException("A metric name is null in " + metrics.keySet());
            }
            if (e.getValue() != null) {
                String tag = prefixed(e.getKey());
                writer(now).write(TfEvents.scalar(now, step, tag, e.getValue().floatValue()));
            }
        }
    }

    /**
     * Appends the buffered events to the event file, syncs it, and writes {@code hparams.yaml}
     * when the hyper-parameters changed (an empty {@code {}} once the run has events, as Lightning).
     *
     * @throws UncheckedIOException naming the file that could not be written
     */
    @Override
    public synchronized void save() {
        if (closed) {
            return;
        }
        if (writer != null) {
            writer.flush();
        }
        if (!hparamsWritten && (writer != null || !hparams.isEmpty())) {
            try {
                AtomicFiles.writeString(hparamsFile(), Hparams.toYaml(hparams));
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            hparamsWritten = true;
        }
    }

    /** Saves and closes the event file, then refuses further records. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            save();
        } catch (RuntimeException e) {
            closed = true;
            if (writer != null) {
                try {
                    writer.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        closed = true;
        if (writer != null) {
            writer.close();
        }
    }

    @Override
    public String toString() {
        return "TensorBoardLogger(" + run.logDir() + ")";
    }

    private EventFileWriter writer(double now) {
        if (writer == null) {
            writer = EventFileWriter.create(run.logDir(), now);
        }
        return writer;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The TensorBoardLogger for " + run.logDir() + " is closed");
        }
    }

    /** Lightning's {@code _sanitize_params}: anything but a boolean, number or string becomes its text. */
    private static Map<String, Object> sanitize(Map<String, Object> flat) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : flat.entrySet()) {
            Object v = e.getValue();
            boolean plain = v instanceof Boolean || v instanceof Long || v instanceof Double
                    || v instanceof BigInteger || v instanceof String;
            out.put(e.getKey(), plain ? v : PyFormat.str(v));
        }
        return out;
    }

    private static double now() {
        Instant t = Instant.now();
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    /** Options of a {@link TensorBoardLogger}. */
    public static final class Builder extends RunOptions<Builder> {
        private boolean defaultHpMetric = true;

        private Builder() {}

        /** Whether hyper-parameters logged without metrics log {@code hp_metric = -1}; default true. */
        public Builder defaultHpMetric(boolean defaultHpMetric) {
            this.defaultHpMetric = defaultHpMetric;
            return this;
        }

        /** The logger; it creates its directory and event file with the first record. */
        public TensorBoardLogger build() {
            return new TensorBoardLogger(this);
        }
    }
}
