package dev.lightning4j.tensorflow;

import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.tensor.HostArray;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.tensorflow.GraphOperation;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.StepStats;

/**
 * Where a traced step's time goes, by op type: runs the step with TensorFlow's step statistics and
 * sums each node's execution time (a benchmark diagnostic; it lives in this package to reach the
 * compiled step's instrumented run).
 */
public final class TfStepStats {
    /** With -Dbench.tfStepStatsDetail=TYPE, each node of that op type is listed too. */
    private static final String DETAIL = System.getProperty("bench.tfStepStatsDetail");
    private static final Map<String, Long> perNode = new TreeMap<>();
    /** With -Dbench.tfTimeline=true, the last run's nodes are listed by start time. */
    private static final boolean TIMELINE = Boolean.getBoolean("bench.tfTimeline");

    private TfStepStats() {
    }

    /** Runs {@code step} {@code runs} times instrumented and returns a table of op types by total time. */
    public static String profile(CompiledStep step, Map<String, HostArray> inputs, int runs) {
        TfCompiledStep tf = (TfCompiledStep) step;
        List<RunMetadata> all = new java.util.ArrayList<>();
        for (int r = 0; r < runs; r++) {
            all.add(tf.runWithMetadata(inputs));
        }
        return summarize(all);
    }

    /** A table of op types by total node time over the given runs' step statistics. */
    public static String summarize(List<RunMetadata> metadata) {
        int runs = metadata.size();
        Map<String, long[]> byType = new TreeMap<>();
        Map<String, String> typeOf = new HashMap<>();
        int nodes = 0;
        long[] wall = new long[runs];
        int run = 0;
        for (RunMetadata md : metadata) {
            StepStats stats = md.getStepStats();
            nodes = 0;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (var dev : stats.getDevStatsList()) {
                for (NodeExecStats n : dev.getNodeStatsList()) {
                    String name = n.getNodeName();
                    String type = typeOf.computeIfAbsent(name, k -> {
                        int colon = n.getTimelineLabel().indexOf(" = ");
                        String label = n.getTimelineLabel();
                        if (colon >= 0) {
                            String rhs = label.substring(colon + 3);
                            int paren = rhs.indexOf('(');
                            return paren > 0 ? rhs.substring(0, paren) : rhs;
                        }
                        return name.replaceAll(".*/", "").replaceAll("_\\d+$", "");
                    });
                    long micros = n.getAllEndRelMicros();
                    first = Math.min(first, n.getAllStartMicros());
                    last = Math.max(last, n.getAllStartMicros() + micros);
                    if (DETAIL != null && type.contains(DETAIL)) {
                        perNode.merge(name + " " + n.getTimelineLabel(), micros, Long::sum);
                    }
                    long[] acc = byType.computeIfAbsent(type, k -> new long[2]);
                    acc[0] += micros;
                    acc[1]++;
                    nodes++;
                }
            }
            wall[run++] = last - first;
            if (TIMELINE && run == runs) {
                List<NodeExecStats> all = new java.util.ArrayList<>();
                stats.getDevStatsList().forEach(d -> all.addAll(d.getNodeStatsList()));
                all.sort(java.util.Comparator.comparingLong(NodeExecStats::getAllStartMicros));
                StringBuilder tl = new StringBuilder("timeline of the last run (start us, duration us, thread, node):\n");
                for (NodeExecStats n : all) {
                    tl.append(String.format(Locale.ROOT, "  %6d %6d %3d %s%n", n.getAllStartMicros() - first, n.getAllEndRelMicros(),
                            n.getThreadId(), typeOf.get(n.getNodeName()) + " " + n.getNodeName()));
                }
                System.out.print(tl);
            }
        }
        java.util.Arrays.sort(wall);
        long total = byType.values().stream().mapToLong(a -> a[0]).sum();
        perNode.forEach((k, v) -> System.out.printf(Locale.ROOT, "    node %s: %.3f ms/run%n", k, v / 1e3 / runs));
        perNode.clear();
        List<Map.Entry<String, long[]>> sorted = byType.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).collect(Collectors.toList());
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "nodes executed per run: %d; node time per run: %.3f ms (sum over nodes, not wall); graph wall time "
                        + "(first node start to last node end), median: %.3f ms%n", nodes, total / 1e3 / runs, wall[runs / 2] / 1e3));
        for (Map.Entry<String, long[]> e : sorted) {
            sb.append(String.format(Locale.ROOT, "  %-28s %4d nodes  %8.3f ms/run  %5.1f%%%n", e.getKey(),
                    e.getValue()[1] / runs, e.getValue()[0] / 1e3 / runs, 100.0 * e.getValue()[0] / total));
        }
        return sb.toString();
    }
}
