package dev.lightning4j.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint or safetensors file that cannot be used: missing, truncated, corrupted, of an
 * unknown format version, or not matching the model it is loaded into. The message always names
 * the file and, when one is to blame, the key (tensor name or JSON path), so that a failed resume
 * says exactly what to look at.
 */
public class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String key;

    /** An error about {@code file}, caused by the entry {@code key} (null when no single key is to blame). */
    public CheckpointException(Path file, String key, String message) {
        this(file, key, message, null);
    }

    /** As {@link #CheckpointException(Path, String, String)}, with the underlying cause. */
    public CheckpointException(Path file, String key, String message, Throwable cause) {
        super(format(file, key, message), cause);
        this.file = file;
        this.key = key;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The offending key (tensor name or dotted JSON path), or null. */
    public String key() {
        return key;
    }

    private static String format(Path file, String key, String message) {
        return file + (key == null ? "" : ": key '" + key + "'") + ": " + message;
    }
}
