package dev.lightning4j.loggers;

import java.nio.file.Path;

/**
 * What the file loggers share: the run directory they write to ({@code <rootDir>/<name>/version_<n>})
 * and the prefix joined to their metric names.
 */
abstract class RunLogger implements Logger {
    /** Joins the prefix to metric names, as Lightning's {@code LOGGER_JOIN_CHAR}. */
    public static final String JOIN_CHAR = "-";

    /** The run directory. */
    protected final RunDirectory run;
    private final String prefix;

    RunLogger(RunOptions<?> options) {
        this.run = options.resolveRun();
        this.prefix = options.prefix();
    }

    @Override
    public String name() {
        return run.name();
    }

    @Override
    public String version() {
        return run.version();
    }

    /** The root directory (Lightning's {@code save_dir}). */
    public Path rootDir() {
        return run.rootDir();
    }

    @Override
    public Path logDir() {
        return run.logDir();
    }

    /** {@code metric} with the prefix in front, as Lightning's {@code _add_prefix}. */
    final String prefixed(String metric) {
        return prefix.isEmpty() ? metric : prefix + JOIN_CHAR + metric;
    }
}
