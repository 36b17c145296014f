package dev.lightning4j.loggers;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The options every file logger shares, as Lightning's loggers do: where the run's folder is
 * ({@code <rootDir>/<name>/<version>}) and a prefix for metric names. Each logger's builder extends
 * it and adds its own options.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class RunOptions<B extends RunOptions<B>> {
    private Path rootDir = Path.of(".");
    private String name = "lightning_logs";
    private String version;
    private String prefix = "";

    /** Package-private: only this package's loggers have builders. */
    RunOptions() {
    }

    private B self() {
        @SuppressWarnings("unchecked")
        B b = (B) this;
        return b;
    }

    /** The root directory (Lightning's {@code save_dir}); default the working directory. */
    public B rootDir(Path dir) {
        this.rootDir = Objects.requireNonNull(dir, "rootDir must not be null");
        return self();
    }

    /** The experiment folder; default {@code lightning_logs}; null or empty for none. */
    public B name(String experiment) {
        this.name = experiment == null ? "" : experiment;
        return self();
    }

    /** Version {@code n}, the folder {@code version_<n>}; default the next free number. */
    public B version(int n) {
        this.version = RunDirectory.versionName(n);
        return self();
    }

    /** The version folder's name as given; null for the next free {@code version_<n>}. */
    public B version(String folder) {
        this.version = folder;
        return self();
    }

    /** Prepended to every metric name with {@code -}; default none. */
    public B prefix(String metricPrefix) {
        this.prefix = metricPrefix == null ? "" : metricPrefix;
        return self();
    }

    /** The run's directory, resolving the next free version now. */
    RunDirectory resolveRun() {
        return RunDirectory.resolve(rootDir, name, version);
    }

    /** The metric-name prefix. */
    String prefix() {
        return prefix;
    }
}
