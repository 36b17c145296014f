package dev.lightning4j.benchmarks;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A simple in-process sampling profiler: a daemon thread takes the target thread's stack every
 * millisecond and counts, per method, the samples in which it is on top (self) and anywhere on the
 * stack (inclusive). Native time shows as the JNI method on top (e.g. a PyTorchLibrary binding).
 * Threads named {@code trainer-*} (where {@link TrainerLoop} fits) are sampled too, and a thread
 * parked or waiting is not counted, so the report covers the training work of whichever thread runs it.
 */
final class Sampler implements AutoCloseable {
    private final Thread target;
    private final Thread thread;
    private final Map<String, Integer> self = new HashMap<>();
    private final Map<String, Integer> inclusive = new HashMap<>();
    private volatile boolean running = true;
    private int samples;

    Sampler(Thread target) {
        this.target = target;
        this.thread = new Thread(this::loop, "sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        java.util.List<Thread> targets = java.util.List.of(target);
        for (long tick = 0; running; tick++) {
            if (tick % 200 == 0) {
                targets = new java.util.ArrayList<>(java.util.List.of(target));
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    if (t.getName().startsWith("trainer-")) {
                        targets.add(t);
                    }
                }
            }
            for (Thread t : targets) {
                sample(t.getStackTrace());
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample(StackTraceElement[] st) {
        if (st.length == 0 || IDLE.contains(name(st[0]))) {
            return;
        }
        synchronized (this) {
            samples++;
            self.merge(name(st[0]), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (StackTraceElement e : st) {
                String n = name(e);
                if (seen.add(n)) {
                    inclusive.merge(n, 1, Integer::sum);
                }
            }
        }
    }

    private static final Set<String> IDLE = Set.of("Unsafe.park", "Object.wait");

    private static String name(StackTraceElement e) {
        String c = e.getClassName();
        return c.substring(c.lastIndexOf('.') + 1) + "." + e.getMethodName();
    }

    synchronized String report(int top) {
        StringBuilder sb = new StringBuilder("samples: " + samples + "\nself:\n");
        self.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(top).forEach(e ->
                sb.append(String.format(java.util.Locale.ROOT, "  %5.1f%% %s%n", 100.0 * e.getValue() / samples, e.getKey())));
        sb.append("inclusive:\n");
        inclusive.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(top * 2).forEach(e ->
                sb.append(String.format(java.util.Locale.ROOT, "  %5.1f%% %s%n", 100.0 * e.getValue() / samples, e.getKey())));
        return sb.toString();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
