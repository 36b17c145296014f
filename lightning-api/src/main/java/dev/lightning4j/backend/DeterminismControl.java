package dev.lightning4j.backend;

/**
 * Optional engine feature: asking the engine for deterministic kernels, so that the same seed and
 * data give bit-identical results run after run. A {@link Backend} that offers it implements this
 * interface as well; callers test for it with {@code instanceof} (JUnit 5's extension style) rather
 * than calling a default method that throws.
 *
 * <p>The Trainer calls it once, right after creating the backend, when
 * {@code Trainer.builder().deterministic(true)} is set. Seeding stays with {@link Backend#manualSeed}.
 */
public interface DeterminismControl {

    /**
     * Turns the engine's deterministic mode on, or back to the engine's defaults. Implementations
     * document what their engine lets them control and what it does not.
     *
     * @throws IllegalStateException when the engine can no longer switch (it already holds variables, for example)
     */
    void setDeterministic(boolean on);

    /** True when {@link #setDeterministic} last turned deterministic mode on. */
    boolean isDeterministic();
}
