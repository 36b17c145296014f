package dev.lightning4j.core;

import dev.lightning4j.data.HostBatch;
import java.util.Map;

/**
 * Points in the Trainer's run where a module may act, in Lightning's order. All are no-ops by
 * default. They run on the host between steps, never inside a traced step: the backward and
 * optimizer hooks are called, in Lightning's order, right after the step that contains them.
 */
public interface ModelHooks {
    /** Before fitting starts. */
    default void onFitStart() { }

    /** After fitting ends. */
    default void onFitEnd() { }

    /** When training begins (after the sanity check). */
    default void onTrainStart() { }

    /** When training ends. */
    default void onTrainEnd() { }

    /** Before each training epoch. */
    default void onTrainEpochStart() { }

    /** After each training epoch (after its validation, as in Lightning). */
    default void onTrainEpochEnd() { }

    /** Before each training batch. */
    default void onTrainBatchStart(HostBatch batch, int batchIdx) { }

    /** After the loss is computed, before the backward pass. */
    default void onBeforeBackward(double loss) { }

    /** After the backward pass. */
    default void onAfterBackward() { }

    /** Before the optimizer step. */
    default void onBeforeOptimizerStep() { }

    /** After each training batch. */
    default void onTrainBatchEnd(Map<String, Double> metrics, HostBatch batch, int batchIdx) { }

    /** Before a validation run. */
    default void onValidationStart() { }

    /** After a validation run. */
    default void onValidationEnd() { }

    /** Before each validation epoch. */
    default void onValidationEpochStart() { }

    /** After each validation epoch. */
    default void onValidationEpochEnd() { }

    /** Before each validation batch. */
    default void onValidationBatchStart(HostBatch batch, int batchIdx) { }

    /** After each validation batch. */
    default void onValidationBatchEnd(Map<String, Double> metrics, HostBatch batch, int batchIdx) { }

    /** Before testing. */
    default void onTestStart() { }

    /** After testing. */
    default void onTestEnd() { }

    /** Before the test epoch. */
    default void onTestEpochStart() { }

    /** After the test epoch. */
    default void onTestEpochEnd() { }

    /** Before prediction. */
    default void onPredictStart() { }

    /** After prediction. */
    default void onPredictEnd() { }
}
