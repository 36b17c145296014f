package dev.lightning4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads this process's memory figures from {@code /proc/self/status} (Linux). Peak resident
 * memory ({@code VmHWM}) counts the engines' native allocations, which the JVM's heap figures
 * do not see.
 */
public final class ProcStatus {
    private ProcStatus() {
    }

    /** Peak resident set size in kB, or -1 where {@code /proc} is unavailable. */
    public static long peakResidentKb() {
        return field("VmHWM:");
    }

    /** Current resident set size in kB, or -1. */
    public static long residentKb() {
        return field("VmRSS:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unexpected format: report "unknown"
        }
        return -1;
    }
}
