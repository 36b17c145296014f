package dev.lightning4j.trainer;

import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.callbacks.ModelCheckpoint;
import dev.lightning4j.checkpoint.Checkpoint;
import dev.lightning4j.checkpoint.CheckpointIO;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Optimization;
import dev.lightning4j.loops.FitLoop;
import dev.lightning4j.loops.FitProgress;
import dev.lightning4j.loops.NonFiniteValueException;
import dev.lightning4j.tensor.HostArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the Trainer's live state into a {@link Checkpoint} and back, as Lightning's
 * {@code _CheckpointConnector}: weights, optimizer, loop position, scheduler, callbacks and the
 * data-order seed, so a resumed fit continues exactly where the saved one stopped.
 */
final class CheckpointConnector {
    static final String DATA_SEED = "data_seed";

    private CheckpointConnector() {
    }

    /** Writes the state of {@code trainer}'s fit in progress (or just the weights outside a fit). */
    static void save(Trainer trainer, LightningModule model, Path path) {
        Map<String, HostArray> weights = model.stateDict();
        weights.forEach((name, value) -> {
            for (double v : value.toDoubleArray()) {
                if (!Double.isFinite(v)) {
                    // Refuse rather than overwrite a good checkpoint with a diverged model.
                    throw new NonFiniteValueException("not saving checkpoint " + path + ": parameter '" + name
                            + "' holds " + v + " at global step " + trainer.globalStep()
                            + "; the previous checkpoints are left intact");
                }
            }
        });
        FitLoop fit = trainer.activeFit();
        Checkpoint.Builder b = Checkpoint.builder()
                .backend(trainer.backend().name())
                .modelState(weights)
                .hyperParameters(model.hparams());
        if (fit != null) {
            FitProgress p = fit.progress();
            Optimization o = fit.optimization();
            b.optimizer(Checkpoint.OptimizerState.capture(o.optimizer()))
                    .loop(new Checkpoint.LoopState(p.epoch(), p.globalStep(), p.nextBatch(), p.epochFinished()));
            List<Map<String, Object>> schedulers = new ArrayList<>();
            if (o.scheduler() != null) {
                Map<String, Object> s = new LinkedHashMap<>(o.scheduler().stateDict());
                s.put("_lightning_intervals", (long) fit.schedulerIntervals());
                schedulers.add(s);
            }
            b.schedulers(schedulers);
            Map<String, Map<String, Object>> callbackStates = new LinkedHashMap<>();
            for (Callback c : trainer.callbacks()) {
                Map<String, Object> state = c.stateDict();
                if (!state.isEmpty()) {
                    callbackStates.put(c.stateKey(), state);
                }
            }
            b.callbacks(callbackStates);
            b.rng(Map.of(DATA_SEED, List.of(fit.dataSeed())));
        } else {
            b.loop(Checkpoint.LoopState.initial());
        }
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            CheckpointIO.save(b.build(), path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save checkpoint " + path + ": " + e.getMessage(), e);
        }
    }

    /** Resolves {@code "last"}, {@code "best"} or a path against the Trainer's ModelCheckpoint. */
    static Path resolve(Trainer trainer, String ckptPath) {
        ModelCheckpoint mc = trainer.callbacks().stream().filter(c -> c instanceof ModelCheckpoint)
                .map(c -> (ModelCheckpoint) c).findFirst().orElse(null);
        Path path;
        if (ckptPath.equals("last") || ckptPath.equals("best")) {
            if (mc == null) {
                throw new IllegalArgumentException("ckptPath = \"" + ckptPath + "\" needs a ModelCheckpoint callback "
                        + "to say where checkpoints are; pass a path instead");
            }
            path = ckptPath.equals("last") ? mc.lastCheckpointPath(trainer) : mc.bestModelPath();
            if (path == null) {
                throw new IllegalArgumentException("ckptPath = \"best\": no best checkpoint has been saved by this Trainer; "
                        + "pass a path instead");
            }
        } else {
            path = Path.of(ckptPath);
        }
        if (!CheckpointIO.exists(path)) {
            throw new IllegalArgumentException("checkpoint " + path.toAbsolutePath() + " does not exist"
                    + (ckptPath.equals(path.toString()) ? "" : " (resolved from \"" + ckptPath + "\")"));
        }
        return path;
    }

    /** Reads a checkpoint for resuming; errors name the file and the offending key. */
    static Checkpoint load(Path path) {
        try {
            return CheckpointIO.load(path);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot resume from checkpoint " + path + ": " + e.getMessage(), e);
        }
    }

    /** The data-order seed a checkpoint was written with, or null. */
    static Long dataSeed(Checkpoint c) {
        List<Long> s = c.rng().get(DATA_SEED);
        return s == null || s.isEmpty() ? null : s.get(0);
    }

    /** Restores weights, optimizer, scheduler, callbacks and loop position into a fit about to run. */
    static void restore(Trainer trainer, LightningModule model, FitLoop fit, Checkpoint c, Path path) {
        try {
            CheckpointIO.checkModelState(CheckpointIO.modelFile(path), c.modelState(), model, true);
            model.loadStateDict(c.modelState(), true);
            Optimization o = fit.optimization();
            if (c.optimizer() != null) {
                c.optimizer().restore(o.optimizer(), path);
            }
            int intervals = 0;
            if (o.scheduler() != null && !c.schedulers().isEmpty()) {
                Map<String, Object> s = new LinkedHashMap<>(c.schedulers().get(0));
                Object n = s.remove("_lightning_intervals");
                intervals = n == null ? 0 : ((Number) n).intValue();
                o.scheduler().loadStateDict(s);
            }
            for (Callback cb : trainer.callbacks()) {
                Map<String, Object> state = c.callbacks().get(cb.stateKey());
                if (state != null) {
                    cb.loadStateDict(state);
                }
            }
            Checkpoint.LoopState loop = c.loop();
            fit.resumeFrom(new FitProgress(loop.epoch(), loop.batchIdx(), loop.epochFinished(), loop.globalStep()), intervals);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot resume from checkpoint " + path + ": " + e.getMessage(), e);
        }
    }
}
