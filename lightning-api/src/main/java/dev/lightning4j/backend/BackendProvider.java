package dev.lightning4j.backend;

/**
 * How an engine module makes itself known. Each backend jar lists its provider in
 * {@code META-INF/services/dev.lightning4j.backend.BackendProvider}; {@link Backends} finds them
 * with {@link java.util.ServiceLoader} and the Trainer installs the chosen provider's Guice module.
 */
public interface BackendProvider {

    /** The name users select the backend by, such as {@code pytorch}. */
    String name();

    /** A Guice module that binds {@link Backend} to this engine's implementation. */
    com.google.inject.Module guiceModule();
}
