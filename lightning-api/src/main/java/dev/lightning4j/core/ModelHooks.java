package dev.lightning4j.core;

/**
 * Points in the Trainer's run where a module may act, in Lightning's order. All are no-ops by
 * default; they run on the host between steps, never inside a traced step.
 */
public interface ModelHooks {
    /** Before fitting starts. */
    default void onFitStart() { }

    /** After fitting ends. */
    default void onFitEnd() { }

    /** Before each training epoch. */
    default void onTrainEpochStart() { }

    /** After each training epoch. */
    default void onTrainEpochEnd() { }

    /** Before each validation run. */
    default void onValidationEpochStart() { }

    /** After each validation run. */
    default void onValidationEpochEnd() { }

    /** Before testing. */
    default void onTestEpochStart() { }

    /** After testing. */
    default void onTestEpochEnd() { }
}
