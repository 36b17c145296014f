package dev.lightning4j.strategies;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts the other ranks of a single-machine job, as Lightning's subprocess launcher ({@code ddp}
 * with {@code torchrun}-like re-execution): this process becomes rank 0 and starts ranks 1 to
 * N-1 as child JVMs running the same command line (same JVM options, class path, main class and
 * arguments) with {@code LIGHTNING_RANK}, {@code LIGHTNING_WORLD_SIZE} and
 * {@code LIGHTNING_WORKERS} set to free loopback ports. The children reach the same
 * {@code Trainer.builder().build()}, find those variables, and join instead of launching.
 *
 * <p>Children never outlive the launcher: they halt when it exits ({@value #LAUNCHER_PID}), and
 * it destroys them when it closes or its JVM shuts down.
 */
public final class LocalLauncher implements AutoCloseable {
    /** Set in children: the launcher's process id, which they watch. */
    public static final String LAUNCHER_PID = "LIGHTNING_LAUNCHER_PID";

    private final ClusterEnvironment environment;
    private final List<Process> children;
    private final Thread shutdownHook;

    private LocalLauncher(ClusterEnvironment environment, List<Process> children) {
        this.environment = environment;
        this.children = children;
        this.shutdownHook = new Thread(this::destroyAll, "lightning-ddp-launcher-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts ranks 1 to {@code worldSize - 1}; this process is rank 0. */
    public static LocalLauncher launch(int worldSize) {
        List<String> command = currentCommand();
        List<String> workers = new ArrayList<>();
        for (int port : freeLoopbackPorts(worldSize)) {
            workers.add("127.0.0.1:" + port);
        }
        String joined = String.join(",", workers);
        List<Process> started = new ArrayList<>();
        try {
            for (int rank = 1; rank < worldSize; rank++) {
                ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
                Map<String, String> env = pb.environment();
                env.put(ClusterEnvironment.RANK, Integer.toString(rank));
                env.put(ClusterEnvironment.WORLD_SIZE, Integer.toString(worldSize));
                env.put(ClusterEnvironment.WORKERS, joined);
                env.put(LAUNCHER_PID, Long.toString(ProcessHandle.current().pid()));
                started.add(pb.start());
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(Process::destroyForcibly);
            throw new IllegalStateException("ddp: cannot start the worker processes with " + command + ": " + e.getMessage(), e);
        }
        return new LocalLauncher(new ClusterEnvironment(0, worldSize, workers, "local launcher"), started);
    }

    /** The job as seen by rank 0 (this process). */
    public ClusterEnvironment environment() {
        return environment;
    }

    /** The child processes, rank 1 first. */
    public List<Process> children() {
        return List.copyOf(children);
    }

    /**
     * In a child: halts this JVM as soon as the launcher process exits, so that an orphaned worker
     * never keeps running (or holding its port) after the job's driver is gone.
     */
    public static void watchLauncher(Map<String, String> env) {
        String pid = env.get(LAUNCHER_PID);
        if (pid == null) {
            return;
        }
        Optional<ProcessHandle> launcher = ProcessHandle.of(Long.parseLong(pid.trim()));
        if (launcher.isEmpty()) {
            Runtime.getRuntime().halt(3);
        }
        launcher.get().onExit().thenRun(() -> {
            System.err.println("ddp: the launcher (pid " + pid + ") exited; stopping this worker");
            Runtime.getRuntime().halt(3);
        });
    }

    /**
     * Waits up to {@code patience} for the children to finish (they end with the job's final
     * barrier), then destroys any that are left. Returns the exit codes by rank (index 0 unused).
     */
    public int[] awaitChildren(Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        int[] codes = new int[children.size() + 1];
        for (int i = 0; i < children.size(); i++) {
            Process p = children.get(i);
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
            codes[i + 1] = p.isAlive() ? -1 : p.exitValue();
        }
        return codes;
    }

    /** Waits briefly for the children, then destroys them. */
    @Override
    public void close() {
        awaitChildren(Duration.ofSeconds(60));
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it destroys the children
        }
    }

    private void destroyAll() {
        children.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
    }

    /** The command line of this JVM, which the children re-run. */
    static List<String> currentCommand() {
        List<String> raw = procCmdline();
        if (raw.isEmpty()) {
            ProcessHandle.Info info = ProcessHandle.current().info();
            if (info.command().isPresent() && info.arguments().isPresent()) {
                raw.add(info.command().get());
                raw.addAll(List.of(info.arguments().get()));
            }
        }
        if (raw.isEmpty()) {
            raw = reconstructedCommand();
        }
        List<String> command = new ArrayList<>();
        for (String a : raw) {
            // A debugger agent would try to bind the same port in every child.
            if (!a.startsWith("-agentlib:jdwp") && !a.startsWith("-Xrunjdwp")) {
                command.add(a);
            }
        }
        return command;
    }

    /** Linux: the exact arguments, NUL-separated (ProcessHandle.Info gives none for very long command lines). */
    private static List<String> procCmdline() {
        List<String> out = new ArrayList<>();
        try {
            java.nio.file.Path p = java.nio.file.Path.of("/proc/self/cmdline");
            if (java.nio.file.Files.isReadable(p)) {
                String all = new String(java.nio.file.Files.readAllBytes(p), java.nio.charset.StandardCharsets.UTF_8);
                for (String a : all.split("\0")) {
                    out.add(a);
                }
            }
        } catch (IOException | RuntimeException e) {
            out.clear();
        }
        return out;
    }

    /** Elsewhere: java, the JVM options, the class path and {@code sun.java.command} (arguments split on spaces). */
    private static List<String> reconstructedCommand() {
        String main = System.getProperty("sun.java.command");
        if (main == null || main.isBlank()) {
            throw new IllegalStateException("ddp: cannot read this JVM's command line to start the other ranks; "
                    + "start one process per rank yourself with " + ClusterEnvironment.RANK + ", "
                    + ClusterEnvironment.WORLD_SIZE + " and " + ClusterEnvironment.WORKERS + " set");
        }
        List<String> out = new ArrayList<>();
        out.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        out.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        String[] parts = main.trim().split(" ");
        if (parts[0].endsWith(".jar")) {
            out.add("-jar");
        } else {
            out.add("-cp");
            out.add(System.getProperty("java.class.path"));
        }
        out.addAll(List.of(parts));
        return out;
    }

    /** {@code n} ports that were free on 127.0.0.1 a moment ago (held together so they are distinct). */
    static int[] freeLoopbackPorts(int n) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                s.setReuseAddress(true);
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new IllegalStateException("ddp: cannot find free loopback ports: " + e.getMessage(), e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing to release
                }
            }
        }
    }
}
