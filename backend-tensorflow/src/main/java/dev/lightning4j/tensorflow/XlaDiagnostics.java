package dev.lightning4j.tensorflow;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/**
 * Reads from a run's {@link RunMetadata} whether XLA really ran. XLA auto-clustering rewrites the
 * graph before execution: each cluster becomes an {@code _XlaCompile}/{@code _XlaRun} pair (or one
 * {@code XlaLaunch}), visible only in the partition graphs TensorFlow actually executes. A launch node
 * that also appears in the step stats was executed, so the cluster's XLA executable ran; with lazy
 * compilation a cluster that was not compiled would take the fallback path and its {@code _XlaRun}
 * would not appear there.
 */
final class XlaDiagnostics {
    /** Ops that run an XLA-compiled cluster. */
    static final Set<String> LAUNCH_OPS = Set.of("_XlaRun", "XlaLaunch");

    /** Asks for the partition graphs and per-node step stats (software tracing is enough on CPU). */
    static final RunOptions INSTRUMENTED = RunOptions.newBuilder()
            .setTraceLevel(RunOptions.TraceLevel.SOFTWARE_TRACE)
            .setOutputPartitionGraphs(true)
            .build();

    private XlaDiagnostics() {
    }

    /** Every XLA op in the executed partition graphs, as "node (op)": {@code _XlaCompile}, {@code _XlaRun}, {@code XlaLaunch}, ... */
    static List<String> xlaNodes(RunMetadata metadata) {
        List<String> out = new ArrayList<>();
        for (GraphDef g : metadata.getPartitionGraphsList()) {
            for (NodeDef n : g.getNodeList()) {
                if (n.getOp().startsWith("_Xla") || n.getOp().startsWith("XlaLaunch")) {
                    out.add(n.getName() + " (" + n.getOp() + ")");
                }
            }
        }
        return out;
    }

    /** The cluster launch nodes of the partition graphs that the step stats report as executed, as "node (op)". */
    static List<String> executedLaunches(RunMetadata metadata) {
        Map<String, String> launches = new LinkedHashMap<>();
        for (GraphDef g : metadata.getPartitionGraphsList()) {
            for (NodeDef n : g.getNodeList()) {
                if (LAUNCH_OPS.contains(n.getOp())) {
                    launches.put(n.getName(), n.getOp());
                }
            }
        }
        Set<String> executed = new HashSet<>();
        for (DeviceStepStats d : metadata.getStepStats().getDevStatsList()) {
            for (NodeExecStats n : d.getNodeStatsList()) {
                executed.add(n.getNodeName());
            }
        }
        List<String> out = new ArrayList<>();
        launches.forEach((node, op) -> {
            if (executed.contains(node)) {
                out.add(node + " (" + op + ")");
            }
        });
        return out;
    }
}
