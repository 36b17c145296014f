package dev.lightning4j.loggers;

import dev.lightning4j.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.LoggerFactory;

/**
 * Logs metrics to {@code metrics.csv} and hyper-parameters to {@code hparams.yaml} in
 * {@code <rootDir>/<name>/version_<n>/}, as Lightning's {@code CSVLogger(save_dir,
 * name="lightning_logs", version=None, prefix="", flush_logs_every_n_steps=100)}.
 *
 * <p>Metric rows are buffered and written on {@link #save()}, and after each row logged at a step
 * {@code s} with {@code (s + 1) % flushLogsEveryNSteps == 0}, as Lightning (whose Trainer logs at
 * steps 49, 99, ...; so does ours, see {@code TrainerState.loggerStep()}). Those periodic writes
 * replace the file atomically but do not force it to the device (see {@link AtomicFiles#replace});
 * {@link #save()} and {@link #close()} do. The header is the sorted union of every metric key seen so
 * far plus {@code step}; when later rows bring new keys the whole file is rewritten with the wider
 * header, earlier rows getting empty cells, as Lightning does. Values are written as Python
 * prints them ({@code 0.5}, {@code 1e-05}, {@code nan}), lines end with CRLF like Python's
 * {@code csv} module, and every file is replaced atomically (see {@link AtomicFiles}), so a reader
 * never sees a half-written file. Thread-safe.
 */
public final class CSVLogger extends RunLogger {
    /** The metrics file name. */
    public static final String METRICS_FILE = "metrics.csv";
    /** The hyper-parameters file name. */
    public static final String HPARAMS_FILE = "hparams.yaml";

    private static final String STEP = "step";
    private static final String EPOCH = "epoch";
    private static final String EOL = "\r\n";

    private final int flushLogsEveryNSteps;
    private final List<Map<String, Object>> pending = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final Map<String, Object> hparams = new LinkedHashMap<>();
    private boolean hparamsWritten;
    /**
     * The text of {@code metrics.csv} as last written (empty before the first write): a flush appends
     * its rows to this instead of reading the file back, so a rewrite costs no read.
     */
    private StringBuilder written = new StringBuilder();
    /** Files replaced by a periodic flush and not yet forced to the device. */
    private final Set<Path> unforced = new LinkedHashSet<>();
    private boolean closed;

    /** A logger writing to {@code <rootDir>/lightning_logs/version_<next>}. */
    public CSVLogger(Path rootDir) {
        this(builder().rootDir(rootDir));
    }

    /** A logger writing to {@code <rootDir>/<name>/version_<next>}. */
    public CSVLogger(Path rootDir, String name) {
        this(builder().rootDir(rootDir).name(name));
    }

    private CSVLogger(Builder b) {
        super(b);
        this.flushLogsEveryNSteps = b.flushLogsEveryNSteps;
        warnIfNotEmpty(run.logDir());
    }

    /** Starts a configuration: root {@code .}, name {@code lightning_logs}, next free version. */
    public static Builder builder() {
        return new Builder();
    }

    /** The metrics file, {@code <logDir>/metrics.csv}. */
    public Path metricsFile() {
        return run.logDir().resolve(METRICS_FILE);
    }

    /** The hyper-parameters file, {@code <logDir>/hparams.yaml}. */
    public Path hparamsFile() {
        return run.logDir().resolve(HPARAMS_FILE);
    }

    /** Merges {@code params} into the hyper-parameters written to {@code hparams.yaml} on save. */
    @Override
    public synchronized void logHyperparams(Map<String, Object> params) {
        checkOpen();
        hparams.putAll(Hparams.normalize(params));
        hparamsWritten = false;
    }

    /** Buffers one row: {@code metrics} (null values left empty) and {@code step}. */
    @Override
    public synchronized void logMetrics(Map<String, Double> metrics, long step) {
        checkOpen();
        if (metrics == null) {
            throw new NullPointerException("metrics must not be null");
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            if (e.getKey() == null) {
                throw new NullPointerException("A metric name is null in " + metrics.keySet());
            }
            if (e.getValue() != null) {
                row.put(prefixed(e.getKey()), e.getValue());
            }
        }
        row.put(STEP, step);
        pending.add(row);
        if ((step + 1) % flushLogsEveryNSteps == 0) {
            flush(false);
        }
    }

    /**
     * Writes {@code hparams.yaml} (an empty {@code {}} when none were logged, as Lightning) and
     * the buffered metric rows.
     *
     * @throws UncheckedIOException naming the file that could not be written
     */
    @Override
    public synchronized void save() {
        flush(true);
    }

    private void flush(boolean durable) {
        if (closed) {
            return;
        }
        writeFiles(durable);
        if (durable) {
            for (Path file : List.copyOf(unforced)) {
                try {
                    AtomicFiles.force(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e.getMessage(), e);
                }
                unforced.remove(file);
            }
        }
    }

    private void writeFiles(boolean durable) {
        if (!hparamsWritten) {
            write(hparamsFile(), Hparams.toYaml(hparams).getBytes(StandardCharsets.UTF_8), durable);
            hparamsWritten = true;
        }
        if (pending.isEmpty()) {
            return;
        }
        Path file = metricsFile();
        TreeSet<String> all = new TreeSet<>(keys);
        for (Map<String, Object> row : pending) {
            all.addAll(row.keySet());
        }
        List<String> header = List.copyOf(all);

        // With the header unchanged the rows are appended to the text in place, and taken off again
        // if the write fails; a wider header re-emits every row into a new text.
        boolean sameHeader = written.length() > 0 && header.equals(keys);
        int writtenLength = written.length();
        StringBuilder out = sameHeader ? written : new StringBuilder(written.length() + 256);
        if (!sameHeader) {
            if (written.length() == 0) {
                appendRow(out, header);
            } else {
                rewriteWithHeader(out, file, written.toString(), header);
            }
        }
        for (Map<String, Object> row : pending) {
            List<String> cells = new ArrayList<>(header.size());
            for (String key : header) {
                cells.add(format(key, row.get(key)));
            }
            appendRow(out, cells);
        }
        try {
            write(file, out.toString().getBytes(StandardCharsets.UTF_8), durable);
        } catch (RuntimeException e) {
            // A failed write leaves the rows pending, and the text and header as the file has them.
            written.setLength(writtenLength);
            throw e;
        }
        written = out;
        keys.clear();
        keys.addAll(header);
        pending.clear();
    }

    /** Saves, then refuses further records. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            save();
            closed = true;
        }
    }

    /** The metric columns written so far, sorted, including {@code step}. */
    public synchronized List<String> metricKeys() {
        return Collections.unmodifiableList(new ArrayList<>(keys));
    }

    @Override
    public String toString() {
        return "CSVLogger(" + run.logDir() + ")";
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The CSVLogger for " + run.logDir() + " is closed");
        }
    }

    /** Re-emits the rows already written ({@code existing}, the file's text) under {@code header}. */
    private static void rewriteWithHeader(StringBuilder out, Path file, String existing, List<String> header) {
        List<List<String>> table = Csv.parse(existing);
        appendRow(out, header);
        if (table.isEmpty()) {
            return;
        }
        List<String> oldHeader = table.get(0);
        for (List<String> old : table.subList(1, table.size())) {
            if (old.size() != oldHeader.size()) {
                throw new IllegalStateException("Cannot widen the header of " + file + ": a row has " + old.size()
                        + " cells but the header has " + oldHeader.size());
            }
            Map<String, String> byKey = new LinkedHashMap<>();
            for (int i = 0; i < oldHeader.size(); i++) {
                byKey.put(oldHeader.get(i), old.get(i));
            }
            List<String> cells = new ArrayList<>(header.size());
            for (String key : header) {
                cells.add(byKey.getOrDefault(key, ""));
            }
            appendRow(out, cells);
        }
    }

    private static String format(String key, Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Long) {
            return value.toString();
        }
        double v = (Double) value;
        // Lightning logs the epoch as an integer.
        if (key.equals(EPOCH) && v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return PyFormat.floatRepr(v);
    }

    private static void appendRow(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(Csv.quote(cells.get(i)));
        }
        out.append(EOL);
    }

    private void write(Path file, byte[] data, boolean durable) {
        try {
            if (durable) {
                AtomicFiles.write(file, data);
                unforced.remove(file);
            } else {
                AtomicFiles.replace(file, data);
                unforced.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static void warnIfNotEmpty(Path dir) {
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                LoggerFactory.getLogger(CSVLogger.class).warn(
                        "Experiment logs directory {} exists and is not empty. Previous log files in this directory"
                                + " will be replaced when the new ones are saved!", dir);
            }
        } catch (IOException | UncheckedIOException e) {
            // Missing (the usual case) or unreadable: the first save reports real problems.
        }
    }

    /** Options of a {@link CSVLogger}. */
    public static final class Builder extends RunOptions<Builder> {
        private int flushLogsEveryNSteps = 100;

        private Builder() {}

        /** Saves after each step {@code s} with {@code (s + 1) % n == 0}; default 100. */
        public Builder flushLogsEveryNSteps(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("flushLogsEveryNSteps must be >= 1, got " + n);
            }
            this.flushLogsEveryNSteps = n;
            return this;
        }

        /** The logger; it creates its directory on the first save. */
        public CSVLogger build() {
            return new CSVLogger(this);
        }
    }
}
