package dev.lightning4j.callbacks;

import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Stage;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.trainer.Trainer;
import java.util.Map;

/**
 * Code that runs at points of the Trainer's loops, as Lightning's {@code Callback}. Every hook
 * is a no-op by default; implement the ones you need. Hooks run on the host between steps: the
 * backward and optimizer hooks are called in Lightning's order right after the (atomic, possibly
 * traced) step that contains them has run. "Start" hooks run in registration order, "end" hooks in
 * reverse.
 */
public interface Callback {

    /** A key that identifies this callback's state in a checkpoint; the class name by default. */
    default String stateKey() {
        return getClass().getName();
    }

    /** Before any stage runs. */
    default void setup(Trainer trainer, LightningModule module, Stage stage) { }

    /** After a stage ends. */
    default void teardown(Trainer trainer, LightningModule module, Stage stage) { }

    /** When fit begins. */
    default void onFitStart(Trainer trainer, LightningModule module) { }

    /** When fit ends. */
    default void onFitEnd(Trainer trainer, LightningModule module) { }

    /** Before the sanity-check validation. */
    default void onSanityCheckStart(Trainer trainer, LightningModule module) { }

    /** After the sanity-check validation. */
    default void onSanityCheckEnd(Trainer trainer, LightningModule module) { }

    /** When training begins. */
    default void onTrainStart(Trainer trainer, LightningModule module) { }

    /** When training ends. */
    default void onTrainEnd(Trainer trainer, LightningModule module) { }

    /** Before each training epoch. */
    default void onTrainEpochStart(Trainer trainer, LightningModule module) { }

    /** After each training epoch (after its validation, as in Lightning). */
    default void onTrainEpochEnd(Trainer trainer, LightningModule module) { }

    /** Before each training batch. */
    default void onTrainBatchStart(Trainer trainer, LightningModule module, HostBatch batch, int batchIdx) { }

    /** After the loss of the batch is computed, before its backward pass. */
    default void onBeforeBackward(Trainer trainer, LightningModule module, double loss) { }

    /** After the backward pass. */
    default void onAfterBackward(Trainer trainer, LightningModule module) { }

    /** Before the optimizer step. */
    default void onBeforeOptimizerStep(Trainer trainer, LightningModule module) { }

    /** After each training batch, with the step's metrics. */
    default void onTrainBatchEnd(Trainer trainer, LightningModule module, Map<String, Double> metrics,
                                 HostBatch batch, int batchIdx) { }

    /** Before a validation run. */
    default void onValidationStart(Trainer trainer, LightningModule module) { }

    /** After a validation run. */
    default void onValidationEnd(Trainer trainer, LightningModule module) { }

    /** Before a validation epoch. */
    default void onValidationEpochStart(Trainer trainer, LightningModule module) { }

    /** After a validation epoch, once its metrics are reduced. */
    default void onValidationEpochEnd(Trainer trainer, LightningModule module) { }

    /** Before each validation batch. */
    default void onValidationBatchStart(Trainer trainer, LightningModule module, HostBatch batch, int batchIdx) { }

    /** After each validation batch. */
    default void onValidationBatchEnd(Trainer trainer, LightningModule module, Map<String, Double> metrics,
                                      HostBatch batch, int batchIdx) { }

    /** Before testing. */
    default void onTestStart(Trainer trainer, LightningModule module) { }

    /** After testing. */
    default void onTestEnd(Trainer trainer, LightningModule module) { }

    /** Before the test epoch. */
    default void onTestEpochStart(Trainer trainer, LightningModule module) { }

    /** After the test epoch. */
    default void onTestEpochEnd(Trainer trainer, LightningModule module) { }

    /** Before prediction. */
    default void onPredictStart(Trainer trainer, LightningModule module) { }

    /** After prediction. */
    default void onPredictEnd(Trainer trainer, LightningModule module) { }

    /** When a run fails. */
    default void onException(Trainer trainer, LightningModule module, Throwable error) { }

    /** Adds to a checkpoint being saved. */
    default void onSaveCheckpoint(Trainer trainer, LightningModule module, Map<String, Object> checkpoint) { }

    /** Reads from a checkpoint being loaded. */
    default void onLoadCheckpoint(Trainer trainer, LightningModule module, Map<String, Object> checkpoint) { }

    /** The callback's state for a checkpoint (JSON-compatible values). */
    default Map<String, Object> stateDict() {
        return Map.of();
    }

    /** Restores state written by {@link #stateDict()}. */
    default void loadStateDict(Map<String, Object> state) { }
}
