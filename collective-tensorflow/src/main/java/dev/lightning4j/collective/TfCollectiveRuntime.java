package dev.lightning4j.collective;

import dev.lightning4j.strategies.ClusterEnvironment;
import dev.lightning4j.strategies.DistributedFailureException;
import dev.lightning4j.strategies.DistributedOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.Graph;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.JobDef;
import org.tensorflow.proto.ServerDef;
import org.tensorflow.types.TInt32;

/**
 * This process's membership of a job on TensorFlow's distributed runtime, the mechanism of
 * {@code MultiWorkerMirroredStrategy}: one gRPC server per process in a cluster with one job
 * ({@value #JOB}, task index = rank), sessions on that server, and collective ops
 * ({@code CollectiveReduceV2}) that TensorFlow's collective executor runs between the servers.
 *
 * <p>Collective ordering: every collective gets a fresh instance key from {@link #nextInstanceKey},
 * a counter that advances identically on every rank because every rank issues the same collectives
 * in the same order (the same program runs everywhere). Keys are fed per run, so one traced graph
 * can run many times.
 *
 * <p>One runtime per process (a server holds its port until the process exits; TensorFlow cannot
 * stop it cleanly), created by {@link #join}.
 */
public final class TfCollectiveRuntime {
    /** The cluster's only job. */
    public static final String JOB = "worker";
    /** The group key of the job's one group (all ranks). */
    static final int GROUP_KEY = 1;

    private static TfCollectiveRuntime current;

    private final ClusterEnvironment cluster;
    private final DistributedOptions options;
    private final TfNativeSessions.Server server;
    private final ConfigProto config;
    private final AtomicInteger instanceKeys = new AtomicInteger(1);
    private volatile boolean started;

    private TfCollectiveRuntime(ClusterEnvironment cluster, DistributedOptions options) {
        this.cluster = cluster;
        this.options = options;
        this.config = ConfigProto.newBuilder()
                // Group resolution goes through one leader; every rank must name the same one.
                .setExperimental(ConfigProto.Experimental.newBuilder()
                        .setCollectiveGroupLeader("/job:" + JOB + "/replica:0/task:0"))
                // Sessions place ops on this task only; the collectives reach the other tasks.
                .addDeviceFilters("/job:" + JOB + "/task:" + cluster.rank())
                .build();
        JobDef.Builder job = JobDef.newBuilder().setName(JOB);
        for (int r = 0; r < cluster.worldSize(); r++) {
            job.putTasks(r, cluster.workers().get(r));
        }
        ServerDef def = ServerDef.newBuilder()
                .setCluster(ClusterDef.newBuilder().addJob(job))
                .setJobName(JOB).setTaskIndex(cluster.rank()).setProtocol("grpc")
                .setDefaultSessionConfig(config)
                .build();
        this.server = TfNativeSessions.startServer(def);
    }

    /**
     * Starts this process's server for {@code cluster}, or returns the running one when the same
     * job was already joined (a second Trainer in the same process).
     */
    public static synchronized TfCollectiveRuntime join(ClusterEnvironment cluster, DistributedOptions options) {
        if (current != null) {
            if (!current.cluster.equals(cluster)) {
                throw new IllegalStateException("this process already serves distributed job " + current.cluster
                        + "; a TensorFlow server cannot be stopped, so it cannot join " + cluster);
            }
            return current;
        }
        current = new TfCollectiveRuntime(cluster, options);
        return current;
    }

    /** The job. */
    public ClusterEnvironment cluster() {
        return cluster;
    }

    /** The options the job was joined with. */
    public DistributedOptions options() {
        return options;
    }

    /** The server's session target. */
    public String target() {
        return server.target();
    }

    /** The session configuration every session on this server needs (group leader, device filter). */
    public ConfigProto sessionConfig() {
        return config;
    }

    /** A session on {@code graph} connected to this process's server, with {@code base} merged into the cluster config. */
    public Session openSession(Graph graph, ConfigProto base) {
        ConfigProto merged = base == null ? config : base.toBuilder().mergeFrom(config).build();
        return TfNativeSessions.open(graph, server.target(), merged);
    }

    /** The next collective instance key; see the class comment for why every rank agrees on it. */
    public int nextInstanceKey() {
        return instanceKeys.getAndIncrement();
    }

    /**
     * The timeout of the next collective: the start-up timeout until a first collective has
     * succeeded (the other ranks may still be starting), then the regular one.
     */
    float timeoutSeconds() {
        return (started ? options.timeout() : options.startupTimeout()).toMillis() / 1000f;
    }

    /** Records that a collective completed, so that later ones use the regular timeout. */
    void markStarted() {
        started = true;
    }

    /**
     * Builds {@code CollectiveReduceV2(input)} over all ranks in {@code scope}: merge {@code Add},
     * final op {@code Div} for a mean or {@code Id} for a sum; the instance key is an int32 scalar
     * (fed per run).
     */
    public Output<?> allReduce(Scope scope, Output<?> input, Output<?> instanceKey, boolean mean, float timeoutSeconds) {
        Output<?> groupSize = constant(scope, "group_size", cluster.worldSize());
        Output<?> groupKey = constant(scope, "group_key", GROUP_KEY);
        OperationBuilder b = scope.opBuilder("CollectiveReduceV2", "all_reduce")
                .addInput(input).addInput(groupSize).addInput(groupKey).addInput(instanceKey)
                .addInputList(new Output<?>[0])
                .setAttr("merge_op", "Add")
                .setAttr("final_op", mean ? "Div" : "Id")
                .setAttr("communication_hint", options.communicationHint())
                .setAttr("timeout_seconds", timeoutSeconds);
        Operation op = b.build();
        return op.output(0);
    }

    private static Output<?> constant(Scope scope, String name, int value) {
        try (TInt32 t = TInt32.scalarOf(value)) {
            return scope.opBuilder("Const", name).setAttr("value", t).setAttr("dtype", t.dataType()).build().output(0);
        }
    }

    // ------------------------------------------------------------------ failures

    private static final Pattern TASK = Pattern.compile("task:(\\d+)");

    /**
     * Explains a failure of a collective: which rank was lost, found from the error (TensorFlow
     * names the unreachable task) or by probing each peer's server port (a dead process refuses
     * the connection; a frozen one still accepts it, so a timeout with every port open blames the
     * only peer of a two-rank job and no one otherwise). Failures unrelated to the job are returned
     * unchanged.
     */
    public RuntimeException describeFailure(RuntimeException failure) {
        if (failure instanceof DistributedFailureException) {
            return failure;
        }
        String text = messages(failure);
        String lower = text.toLowerCase(Locale.ROOT);
        boolean collective = lower.contains("collective") || lower.contains("unavailable") || lower.contains("deadline")
                || lower.contains("timeout") || lower.contains("timed out") || lower.contains("aborted")
                || lower.contains("connection") || lower.contains("socket") || lower.contains("failed to connect")
                || lower.contains("/job:" + JOB);
        List<Integer> down = unreachablePeers();
        if (!collective && down.isEmpty()) {
            return failure;
        }
        OptionalInt lost = OptionalInt.empty();
        String how;
        if (!down.isEmpty()) {
            lost = OptionalInt.of(down.get(0));
            how = "its collective server at " + cluster.workers().get(down.get(0)) + " no longer accepts connections "
                    + "(the process died)";
        } else {
            Matcher m = TASK.matcher(text);
            while (m.find()) {
                int task = Integer.parseInt(m.group(1));
                if (task != cluster.rank() && task < cluster.worldSize()) {
                    lost = OptionalInt.of(task);
                    break;
                }
            }
            if (lost.isEmpty() && cluster.worldSize() == 2) {
                lost = OptionalInt.of(1 - cluster.rank());
            }
            how = "it did not take part in a collective within " + options.timeout().toSeconds() + " s (frozen or too slow)";
        }
        String who = lost.isPresent() ? "rank " + lost.getAsInt() + " (" + cluster.workers().get(lost.getAsInt()) + ") was lost: " + how
                : "a peer rank was lost or stopped responding";
        String first = firstLine(failure);
        return new DistributedFailureException("ddp job failed on rank " + cluster.rank() + " of " + cluster.worldSize()
                + ": " + who + ". The collective failed with: " + first
                + ". Every rank stops; resume the job from its last checkpoint (trainer.fit(model, data, ckptPath)).",
                lost, failure);
    }

    /** Peers whose server port refuses a connection. */
    private List<Integer> unreachablePeers() {
        List<Integer> out = new ArrayList<>();
        for (int r = 0; r < cluster.worldSize(); r++) {
            if (r == cluster.rank()) {
                continue;
            }
            String w = cluster.workers().get(r);
            int colon = w.lastIndexOf(':');
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(w.substring(0, colon), Integer.parseInt(w.substring(colon + 1))), 2000);
            } catch (IOException | RuntimeException e) {
                out.add(r);
            }
        }
        return out;
    }

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }

    private static String firstLine(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // TensorFlow's messages span lines ("From /job:...:" then the status); keep them on one line.
        String m = String.valueOf(root.getMessage()).trim().replaceAll("\\s+", " ");
        return m.length() > 400 ? m.substring(0, 400) + "..." : m;
    }
}
