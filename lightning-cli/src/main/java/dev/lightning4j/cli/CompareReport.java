package dev.lightning4j.cli;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import dev.lightning4j.io.AtomicFiles;

/**
 * The comparison of one configuration's runs on several engines: per-step loss differences
 * against the first (reference) engine, speed, memory and final metrics, written as
 * {@code report.html} (charts as PNG, also embedded), {@code report.json}, and a terminal table.
 *
 * <p>A step's losses differ by {@code |a - b| / max(|b|, 1e-6)} (relative to the reference, as
 * {@code EngineParity}); engines diverge when the largest difference exceeds the tolerance, when
 * they ran different numbers of steps, or when a loss is not finite.
 */
public final class CompareReport {
    /** The chart files written next to report.html. */
    public static final List<String> CHARTS = List.of("train_loss.png", "val_metric.png", "step_time.png", "loss_difference.png");

    private final List<EngineResult> runs;
    private final double tolerance;
    private final Map<String, Object> config;
    private final double maxDiff;
    private final int maxDiffStep;
    private final String maxDiffEngine;
    private final String problem;
    private final String valMetric;

    /** Compares {@code runs} (the first is the reference) at relative tolerance {@code tolerance}. */
    public CompareReport(List<EngineResult> runs, double tolerance, Map<String, Object> config) {
        this.runs = runs;
        this.tolerance = tolerance;
        this.config = config;
        EngineResult ref = runs.get(0);
        double max = 0;
        int at = -1;
        String engine = null;
        String issue = null;
        for (EngineResult r : runs.subList(1, runs.size())) {
            if (r.losses().size() != ref.losses().size()) {
                issue = r.backend() + " ran " + r.losses().size() + " steps but " + ref.backend() + " ran " + ref.losses().size();
            }
            double[] d = relativeDifferences(ref, r);
            for (int i = 0; i < d.length; i++) {
                double v = Double.isNaN(d[i]) ? Double.POSITIVE_INFINITY : d[i];
                if (at < 0 || v > max) {
                    max = v;
                    at = i;
                    engine = r.backend();
                }
            }
        }
        this.maxDiff = max;
        this.maxDiffStep = at;
        this.maxDiffEngine = engine;
        this.problem = issue;
        this.valMetric = chooseValMetric(runs);
    }

    /** The per-step relative loss difference of {@code r} from {@code ref}, over their common steps. */
    static double[] relativeDifferences(EngineResult ref, EngineResult r) {
        int n = Math.min(ref.losses().size(), r.losses().size());
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double b = ref.losses().get(i);
            out[i] = Math.abs(r.losses().get(i) - b) / Math.max(Math.abs(b), 1e-6);
        }
        return out;
    }

    private static String chooseValMetric(List<EngineResult> runs) {
        Set<String> common = null;
        for (EngineResult r : runs) {
            Set<String> keys = new TreeSet<>();
            r.validations().forEach(v -> keys.addAll(v.metrics().keySet()));
            if (common == null) {
                common = keys;
            } else {
                common.retainAll(keys);
            }
        }
        if (common == null || common.isEmpty()) {
            return null;
        }
        if (common.contains("val_loss")) {
            return "val_loss";
        }
        // Prefer an epoch-level value over its per-step twin.
        return common.stream().filter(k -> !k.endsWith("_step")).findFirst().orElse(common.iterator().next());
    }

    /** True when the engines disagree beyond the tolerance (or ran differently). */
    public boolean diverged() {
        return problem != null || !(maxDiff <= tolerance);
    }

    /** The largest per-step relative loss difference from the reference. */
    public double maxLossDifference() {
        return maxDiff;
    }

    /** The verdict line: {@code MATCH: ...} or {@code DIVERGED: ...}. */
    public String verdict() {
        String ref = runs.get(0).backend();
        if (problem != null) {
            return "DIVERGED: " + problem;
        }
        if (diverged()) {
            return String.format(Locale.ROOT, "DIVERGED: %s's training loss differs from %s's by %.3g (relative) at step %d, "
                    + "beyond the parity tolerance %s", maxDiffEngine, ref, maxDiff, maxDiffStep, tol(tolerance));
        }
        return String.format(Locale.ROOT, "MATCH: per-step training losses agree within %s (largest relative difference "
                + "%.3g%s)", tol(tolerance), maxDiff, maxDiffStep >= 0 ? " at step " + maxDiffStep : "");
    }

    /** The table's rows (label, then one cell per engine), without the header. */
    private List<String[]> rows() {
        List<String[]> rows = new ArrayList<>();
        rows.add(row("steps", r -> String.valueOf(r.losses().size())));
        rows.add(row("epochs", r -> String.valueOf(r.epochs())));
        if (!metricKeys().contains("train_loss")) {
            rows.add(row("final train loss", r -> r.losses().isEmpty() ? "-" : num(r.losses().get(r.losses().size() - 1))));
        }
        rows.add(row("bit-identical step losses", r -> r == runs.get(0) ? "-" : identical(runs.get(0), r)));
        for (String k : metricKeys()) {
            rows.add(row(k, r -> r.finalMetrics().containsKey(k) ? num(r.finalMetrics().get(k)) : "-"));
        }
        rows.add(row("mean step time (ms) *", r -> fixed(r.meanStepMillis(), 3)));
        rows.add(row("first step (ms)", r -> fixed(r.firstStepMillis(), 1)));
        rows.add(row("throughput (examples/s) *", r -> fixed(r.throughput(), 0)));
        rows.add(row("peak resident memory (MB)", r -> r.peakRssKb() < 0 ? "n/a" : fixed(r.peakRssKb() / 1024.0, 0)));
        rows.add(row("fit wall time (s)", r -> fixed(r.fitSeconds(), 2)));
        EngineResult ref = runs.get(0);
        rows.add(row("max rel. loss diff vs " + ref.backend(), r -> r == ref ? "-" : sci(maxOf(relativeDifferences(ref, r)))));
        return rows;
    }

    /** The comparison as a fixed-width table, engines as columns. */
    public String table() {
        List<String[]> rows = new ArrayList<>();
        rows.add(header());
        rows.addAll(rows());
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int ri = 0; ri < rows.size(); ri++) {
            String[] r = rows.get(ri);
            sb.append(pad(r[0], w[0], false));
            for (int i = 1; i < r.length; i++) {
                sb.append("  ").append(pad(r[i], w[i], true));
            }
            sb.append('\n');
            if (ri == 0) {
                sb.append("-".repeat(w[0]));
                for (int i = 1; i < r.length; i++) {
                    sb.append("  ").append("-".repeat(w[i]));
                }
                sb.append('\n');
            }
        }
        sb.append("* leaving out the first step, which includes warm-up (and graph tracing on tensorflow)\n");
        return sb.toString();
    }

    /** Writes report.json, the chart PNGs and report.html into {@code dir}. */
    public void write(Path dir) {
        try {
            Map<String, byte[]> charts = charts();
            for (Map.Entry<String, byte[]> e : charts.entrySet()) {
                AtomicFiles.write(dir.resolve(e.getKey()), e.getValue());
            }
            AtomicFiles.writeString(dir.resolve("report.json"), json());
            AtomicFiles.writeString(dir.resolve("report.html"), html(charts));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the comparison report to " + dir, e);
        }
    }

    /** The report's numbers as JSON. */
    public String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("reference", runs.get(0).backend());
        root.put("tolerance", tolerance);
        root.put("diverged", diverged());
        root.put("verdict", verdict());
        Map<String, Object> diff = new LinkedHashMap<>();
        diff.put("max_relative", Double.isFinite(maxDiff) ? maxDiff : String.valueOf(maxDiff));
        diff.put("step", maxDiffStep);
        diff.put("engine", maxDiffEngine);
        root.put("loss_difference", diff);
        root.put("validation_metric", valMetric);
        List<Map<String, Object>> engines = new ArrayList<>();
        for (EngineResult r : runs) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("backend", r.backend());
            e.put("steps", r.losses().size());
            e.put("epochs", r.epochs());
            e.put("final_metrics", r.finalMetrics());
            e.put("mean_step_ms", r.meanStepMillis());
            e.put("first_step_ms", r.firstStepMillis());
            e.put("throughput_examples_per_s", r.throughput());
            e.put("peak_rss_mb", r.peakRssKb() < 0 ? null : r.peakRssKb() / 1024.0);
            e.put("fit_seconds", r.fitSeconds());
            e.put("max_relative_loss_difference", r == runs.get(0) ? 0.0 : maxOf(relativeDifferences(runs.get(0), r)));
            e.put("train_loss", r.losses());
            e.put("step_ms", r.stepMillis());
            e.put("validations", r.validations());
            engines.add(e);
        }
        root.put("engines", engines);
        root.put("config", config);
        return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().serializeNulls().create().toJson(root);
    }

    private Map<String, byte[]> charts() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        List<Charts.Series> loss = new ArrayList<>();
        List<Charts.Series> val = new ArrayList<>();
        List<Charts.Series> time = new ArrayList<>();
        List<Charts.Series> diff = new ArrayList<>();
        EngineResult ref = runs.get(0);
        for (EngineResult r : runs) {
            loss.add(new Charts.Series(r.backend(), index(r.losses().size(), 0), toArray(r.losses())));
            double[] vx = new double[r.validations().size()];
            double[] vy = new double[r.validations().size()];
            for (int i = 0; i < vx.length; i++) {
                RunRecorder.Validation v = r.validations().get(i);
                vx[i] = v.epoch();
                Double m = valMetric == null ? null : v.metrics().get(valMetric);
                vy[i] = m == null ? Double.NaN : m;
            }
            val.add(new Charts.Series(r.backend(), vx, vy));
            List<Double> st = r.stepMillis().size() > 1 ? r.stepMillis().subList(1, r.stepMillis().size()) : r.stepMillis();
            time.add(new Charts.Series(r.backend(), index(st.size(), r.stepMillis().size() > 1 ? 1 : 0), toArray(st)));
            if (r != ref) {
                double[] d = relativeDifferences(ref, r);
                diff.add(new Charts.Series(r.backend() + " vs " + ref.backend(), index(d.length, 0), d));
            }
        }
        out.put(CHARTS.get(0), Charts.png(Charts.lineChart("Training loss per step", "step", "train loss", loss, null, false)));
        out.put(CHARTS.get(1), Charts.png(Charts.lineChart(valMetric == null ? "Validation (no validation metric logged)"
                : "Validation " + valMetric + " per epoch", "epoch", valMetric == null ? "" : valMetric, val, null, false)));
        out.put(CHARTS.get(2), Charts.png(Charts.lineChart("Step time (first step left out)", "step", "ms", time, null, false)));
        out.put(CHARTS.get(3), Charts.png(Charts.scatterChart("Relative training-loss difference from " + ref.backend()
                + " (bit-identical steps not shown)", "step",
                "|a - b| / |b| (log scale)", diff, new Charts.Threshold("tolerance " + tol(tolerance),
                        tolerance), true)));
        return out;
    }

    private String html(Map<String, byte[]> charts) {
        StringBuilder sb = new StringBuilder();
        String engines = String.join(" vs ", runs.stream().map(EngineResult::backend).toList());
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Lightning4J engine comparison: ")
                .append(esc(engines)).append("</title>\n<style>\n")
                .append("body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:980px;margin:24px auto;"
                        + "padding:0 16px;color:#222}\n")
                .append("table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ddd;padding:4px 10px;text-align:right}"
                        + "td:first-child,th:first-child{text-align:left}th{background:#f4f4f4}\n")
                .append(".ok{background:#e7f6e7;border:1px solid #9c9;padding:8px 12px}"
                        + ".bad{background:#fdeaea;border:1px solid #d99;padding:8px 12px}\n")
                .append("img{max-width:100%;border:1px solid #eee;margin:8px 0}pre{background:#f7f7f7;padding:10px;overflow:auto}\n")
                .append("</style></head><body>\n");
        sb.append("<h1>Engine comparison: ").append(esc(engines)).append("</h1>\n");
        sb.append("<p class=\"").append(diverged() ? "bad" : "ok").append("\">").append(esc(verdict())).append("</p>\n");
        sb.append("<p>Same configuration, seed and data order on every engine; each engine trained in its own JVM, so peak "
                + "resident memory (VmHWM) is per engine. Reference: <b>").append(esc(runs.get(0).backend()))
                .append("</b>; relative difference = |a &minus; b| / max(|b|, 1e-6).</p>\n");
        sb.append("<table>\n");
        String[] header = header();
        sb.append("<tr>");
        for (String h : header) {
            sb.append("<th>").append(esc(h)).append("</th>");
        }
        sb.append("</tr>\n");
        for (String[] row : rows()) {
            sb.append("<tr>");
            for (String c : row) {
                sb.append("<td>").append(esc(c)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n<p><small>* leaving out the first step, which includes warm-up (and graph tracing on tensorflow)"
                + "</small></p>\n");
        String[] captions = {"Training loss of every step, engines overlaid.",
            "The validation metric of each epoch, engines overlaid.",
            "Wall time of each training step (batch start to batch end).",
            "Per-step relative difference of the training loss from the reference, with the tolerance "
                    + "(steps whose losses are bit-identical have no point on a log scale)."};
        for (int i = 0; i < CHARTS.size(); i++) {
            String name = CHARTS.get(i);
            sb.append("<h2>").append(esc(captions[i])).append("</h2>\n");
            sb.append("<img alt=\"").append(esc(name)).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(charts.get(name))).append("\">\n");
            sb.append("<p><small>also <a href=\"").append(name).append("\">").append(name).append("</a></small></p>\n");
        }
        sb.append("<h2>Configuration</h2>\n<pre>").append(esc(Configs.dump(config))).append("</pre>\n");
        sb.append("<p><small>Numbers: <a href=\"report.json\">report.json</a>; each engine's logs and output in its folder "
                + "(");
        for (int i = 0; i < runs.size(); i++) {
            sb.append(i > 0 ? ", " : "").append("<a href=\"").append(esc(runs.get(i).backend())).append("/\">")
                    .append(esc(runs.get(i).backend())).append("/</a>");
        }
        sb.append(").</small></p>\n</body></html>\n");
        return sb.toString();
    }

    private String[] header() {
        String[] h = new String[runs.size() + 1];
        h[0] = "";
        for (int i = 0; i < runs.size(); i++) {
            h[i + 1] = runs.get(i).backend();
        }
        h[0] = "metric";
        return h;
    }

    private String[] row(String label, java.util.function.Function<EngineResult, String> f) {
        String[] r = new String[runs.size() + 1];
        r[0] = label;
        for (int i = 0; i < runs.size(); i++) {
            r[i + 1] = f.apply(runs.get(i));
        }
        return r;
    }

    private Set<String> metricKeys() {
        Set<String> keys = new LinkedHashSet<>();
        runs.forEach(r -> keys.addAll(new TreeSet<>(r.finalMetrics().keySet())));
        return keys;
    }

    private static String pad(String s, int w, boolean right) {
        String fill = " ".repeat(Math.max(0, w - s.length()));
        return right ? fill + s : s + fill;
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static String fixed(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "n/a";
    }

    private static String sci(double v) {
        return String.format(Locale.ROOT, "%.2e", v);
    }

    private static String tol(double t) {
        return t == 0 ? "0" : String.format(Locale.ROOT, "%.0e", t).replace("e-0", "e-");
    }

    private static String identical(EngineResult ref, EngineResult r) {
        double[] d = relativeDifferences(ref, r);
        long same = java.util.Arrays.stream(d).filter(v -> v == 0).count();
        return same + " of " + d.length;
    }

    private static double maxOf(double[] d) {
        double m = 0;
        for (double v : d) {
            m = Double.isNaN(v) ? Double.POSITIVE_INFINITY : Math.max(m, v);
        }
        return m;
    }

    private static double[] index(int n, int from) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = from + i;
        }
        return x;
    }

    private static double[] toArray(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
