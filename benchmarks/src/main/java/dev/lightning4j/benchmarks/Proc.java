package dev.lightning4j.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Process and machine facts from /proc (Linux). */
final class Proc {
    private Proc() {
    }

    /** CPU time of the whole process (all threads), in nanoseconds. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * CPU time of the JIT's compiler threads ("C1 CompilerThre..." and "C2 CompilerThre..." in
     * {@code /proc/self/task/<tid>/comm}), in nanoseconds from each thread's {@code schedstat}, or -1
     * where /proc does not have them. Unlike the JIT's own total, which counts a compilation when it
     * ends, this moves while a long compilation is still running.
     */
    static long compilerCpuNanos() {
        long total = 0;
        boolean found = false;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String comm = Files.readString(task.resolve("comm"));
                    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                        String schedstat = Files.readString(task.resolve("schedstat"));
                        total += Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                        found = true;
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return found ? total : -1;
    }

    /** Current resident set size in bytes (VmRSS), or -1. */
    static long rss() {
        return statusKb("VmRSS:") * 1024;
    }

    /** Peak resident set size in bytes since the last {@link #resetPeakRss()} (VmHWM), or -1. */
    static long peakRss() {
        return statusKb("VmHWM:") * 1024;
    }

    /** Resets VmHWM to the current RSS (writing 5 to /proc/self/clear_refs, Linux >= 4.0). */
    static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not allowed here: peaks are then process-wide
        }
    }

    private static long statusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }

    /** The first "model name" of /proc/cpuinfo. */
    static String cpuModel() {
        return firstValue("/proc/cpuinfo", "model name");
    }

    /** MemTotal of /proc/meminfo. */
    static String memTotal() {
        return firstValue("/proc/meminfo", "MemTotal");
    }

    private static String firstValue(String file, String key) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            for (String l : lines) {
                if (l.startsWith(key)) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }

    static String mb(long bytes) {
        return bytes < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.0f MB", bytes / 1048576.0);
    }
}
