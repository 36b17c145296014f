package dev.lightning4j.backend;

import com.google.inject.Guice;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds installed backends and resolves which one to use: an explicit name, else the system
 * property {@value #PROPERTY}, else the environment variable {@value #ENVIRONMENT}, else
 * {@value #DEFAULT}.
 */
public final class Backends {
    /** The system property that names the backend. */
    public static final String PROPERTY = "lightning.backend";
    /** The environment variable that names the backend. */
    public static final String ENVIRONMENT = "LIGHTNING_BACKEND";
    /** The backend used when nothing names one. */
    public static final String DEFAULT = "pytorch";

    private Backends() {
    }

    /** The installed providers by name, sorted. */
    public static Map<String, BackendProvider> installed() {
        Map<String, BackendProvider> byName = new TreeMap<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            byName.put(p.name().toLowerCase(Locale.ROOT), p);
        }
        return byName;
    }

    /** The backend name chosen by {@code explicit}, the system property, the environment, or the default. */
    public static String resolveName(String explicit) {
        return resolveName(explicit, System.getProperty(PROPERTY), System.getenv(ENVIRONMENT));
    }

    static String resolveName(String explicit, String property, String environment) {
        for (String candidate : new String[] {explicit, property, environment}) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate.trim().toLowerCase(Locale.ROOT);
            }
        }
        return DEFAULT;
    }

    /** The provider called {@code name}; fails with a message listing the installed ones. */
    public static BackendProvider provider(String name) {
        Map<String, BackendProvider> all = installed();
        String key = name.trim().toLowerCase(Locale.ROOT);
        return Optional.ofNullable(all.get(key)).orElseThrow(() -> new IllegalArgumentException(
                "unknown backend '" + name + "': installed backends are " + (all.isEmpty()
                        ? "none (add backend-pytorch or backend-tensorflow to the classpath)"
                        : String.join(", ", all.keySet()))
                        + "; choose one with Trainer.builder().backend(...), -D" + PROPERTY + " or " + ENVIRONMENT));
    }

    /** Creates the named backend through its Guice module. The caller owns (and closes) it. */
    public static Backend create(String name) {
        return Guice.createInjector(provider(name).guiceModule()).getInstance(Backend.class);
    }
}
