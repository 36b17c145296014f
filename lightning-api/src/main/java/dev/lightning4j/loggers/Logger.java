package dev.lightning4j.loggers;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where metrics and hyper-parameters of a run are recorded, as Lightning's {@code Logger}. A
 * run's files go to {@code <rootDir>/<name>/version_<n>/}, with checkpoints beside them.
 */
public interface Logger extends AutoCloseable {

    /** The experiment name (the folder under the root directory). */
    String name();

    /** The version folder's name, such as {@code version_0}. */
    String version();

    /** The run's directory, {@code <rootDir>/<name>/<version>}. */
    Path logDir();

    /** Records the run's hyper-parameters once. */
    void logHyperparams(Map<String, Object> params);

    /** Records metric values at a global step. */
    void logMetrics(Map<String, Double> metrics, long step);

    /** Flushes buffered records to disk. */
    void save();

    /** Flushes and releases files. */
    @Override
    void close();
}
