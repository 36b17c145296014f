package dev.lightning4j.cli;

import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.trainer.Trainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records what {@code lightning compare} reports about one engine's fit: each training step's
 * loss (from {@code onBeforeBackward}), its wall time from batch start to batch end (the step and
 * the host work around it, as a user experiences it), its batch size, and the validation metrics
 * of every validation run (not the sanity check).
 */
public final class RunRecorder implements Callback {
    /** One validation run: the epoch and global step it ran at, and its metrics. */
    public record Validation(int epoch, long step, Map<String, Double> metrics) {
    }

    private final List<Double> losses = new ArrayList<>();
    private final List<Double> stepMillis = new ArrayList<>();
    private final List<Integer> batchSizes = new ArrayList<>();
    private final List<Validation> validations = new ArrayList<>();
    private long batchStart;

    @Override
    public void onTrainBatchStart(Trainer trainer, LightningModule module, HostBatch batch, int batchIdx) {
        batchStart = System.nanoTime();
    }

    @Override
    public void onBeforeBackward(Trainer trainer, LightningModule module, double loss) {
        losses.add(loss);
    }

    @Override
    public void onTrainBatchEnd(Trainer trainer, LightningModule module, Map<String, Double> metrics, HostBatch batch,
                                int batchIdx) {
        stepMillis.add((System.nanoTime() - batchStart) / 1e6);
        batchSizes.add(batch.size());
    }

    @Override
    public void onValidationEpochEnd(Trainer trainer, LightningModule module) {
        if (trainer.state().sanityChecking()) {
            return;
        }
        Map<String, Double> vals = new LinkedHashMap<>();
        trainer.callbackMetrics().forEach((k, v) -> {
            if (k.startsWith("val")) {
                vals.put(k, v);
            }
        });
        validations.add(new Validation(trainer.currentEpoch(), trainer.globalStep(), vals));
    }

    /** The training loss of every step, in order. */
    public List<Double> losses() {
        return losses;
    }

    /** The wall time of every training step, in milliseconds. */
    public List<Double> stepMillis() {
        return stepMillis;
    }

    /** The number of examples in every training step. */
    public List<Integer> batchSizes() {
        return batchSizes;
    }

    /** Every validation run, in order. */
    public List<Validation> validations() {
        return validations;
    }

    @Override
    public String stateKey() {
        return "RunRecorder";
    }
}
