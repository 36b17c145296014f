package dev.lightning4j.distributed;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts worker JVMs for the tests (this module's test class path, loopback only) and makes sure
 * none outlives the test: {@link #close} destroys every process it started and their children.
 */
final class Workers implements AutoCloseable {
    private final List<Process> started = new ArrayList<>();

    /** Starts rank {@code rank} of a job on {@code workers}, as a cluster scheduler would (LIGHTNING_* set). */
    Process startRank(int rank, List<String> workers, Path out, String mainClass, String... args) throws IOException {
        ProcessBuilder pb = builder(mainClass, args);
        Map<String, String> env = pb.environment();
        env.put("LIGHTNING_RANK", Integer.toString(rank));
        env.put("LIGHTNING_WORLD_SIZE", Integer.toString(workers.size()));
        env.put("LIGHTNING_WORKERS", String.join(",", workers));
        pb.redirectErrorStream(true).redirectOutput(out.resolve("stdout" + rank + ".log").toFile());
        return start(pb);
    }

    /** Starts one JVM with no cluster variables: with devices(n) its Trainer launches the other ranks. */
    Process startDriver(Path out, String mainClass, String... args) throws IOException {
        ProcessBuilder pb = builder(mainClass, args);
        pb.redirectErrorStream(true).redirectOutput(out.resolve("driver.log").toFile());
        return start(pb);
    }

    private Process start(ProcessBuilder pb) throws IOException {
        Files.createDirectories(pb.redirectOutput().file().toPath().getParent());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static ProcessBuilder builder(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("LIGHTNING_") || k.startsWith("SLURM_"));
        env.put("DJL_OFFLINE", "true");
        env.put("TF_CPP_MIN_LOG_LEVEL", "2");
        return pb;
    }

    /** {@code n} loopback addresses with ports that were free a moment ago. */
    static List<String> loopbackWorkers(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                out.add("127.0.0.1:" + s.getLocalPort());
            }
            return out;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    /** Waits for {@code p} at most {@code seconds}; returns its exit code, or fails (the process is destroyed later). */
    static int await(Process p, long seconds) throws InterruptedException {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("worker pid " + p.pid() + " did not finish within " + seconds + " s");
        }
        return p.exitValue();
    }

    @Override
    public void close() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : started) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
