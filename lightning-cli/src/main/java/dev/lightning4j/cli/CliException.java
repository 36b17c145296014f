package dev.lightning4j.cli;

/**
 * A mistake in the user's configuration or command line. {@link Main} prints its message (which
 * names the key, what was expected and, for a misspelling, the closest valid key) on stderr and
 * exits non-zero without a stack trace: the user has nothing to debug, only something to fix.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A user error with a complete, self-explanatory message. */
    public CliException(String message) {
        super(message);
    }

    /** A user error caused by {@code cause} (kept for debugging; not printed). */
    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
