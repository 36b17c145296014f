package dev.lightning4j.backend;

import java.util.Set;

/**
 * Optional engine feature: compiling steps with a just-in-time compiler such as XLA. A
 * {@link Backend} that offers it implements this interface as well; callers test for it with
 * {@code instanceof}, the way JUnit 5 tests an extension for the callbacks it implements, so an
 * engine without a JIT has nothing to implement and nothing that throws "unsupported".
 *
 * <p>The Trainer calls {@link #useJit} once, right after creating the backend and before any model
 * is placed on it ({@code Trainer.builder().compile("xla")}).
 */
public interface JitCompilation {

    /** The modes this engine offers, in lower case, such as {@code xla}. Never contains {@code none}. */
    Set<String> jitModes();

    /**
     * Compiles every step prepared by {@link Backend#compile} with {@code mode} from now on.
     *
     * @throws IllegalArgumentException when {@code mode} is not one of {@link #jitModes()}
     * @throws IllegalStateException    when the engine can no longer switch, for example because
     *                                  it already holds variables
     */
    void useJit(String mode);

    /**
     * Implemented by a {@link BackendProvider} whose backends implement {@link JitCompilation}, so that
     * a caller can name the engines offering a mode without loading any of them (for error messages).
     */
    interface Offered {

        /** The modes the provider's backends accept in {@link JitCompilation#useJit}. */
        Set<String> jitModes();
    }
}
