package dev.lightning4j.core;

import java.util.Objects;

/**
 * Options of {@link LightningModule#log}, with Lightning's meaning. Unset step/epoch flags take
 * the stage's default: in training, per step and not per epoch; in validation and test, per epoch
 * only. Instances are immutable; each method returns a modified copy.
 *
 * <pre>{@code log("train_loss", loss, Log.progBar());
 * log("val_acc", acc, Log.options().onStep(true).onEpoch(true));}</pre>
 */
public final class Log {
    private static final Log DEFAULTS = new Log(false, null, null, true, false);

    private final boolean progBar;
    private final Boolean onStep;
    private final Boolean onEpoch;
    private final boolean logger;
    private final boolean syncDist;

    private Log(boolean progBar, Boolean onStep, Boolean onEpoch, boolean logger, boolean syncDist) {
        this.progBar = progBar;
        this.onStep = onStep;
        this.onEpoch = onEpoch;
        this.logger = logger;
        this.syncDist = syncDist;
    }

    /** The defaults: not on the progress bar, stage-default step/epoch, sent to the loggers. */
    public static Log options() {
        return DEFAULTS;
    }

    /** The defaults, shown on the progress bar. */
    public static Log progBar() {
        return DEFAULTS.withProgBar(true);
    }

    /** A copy shown (or not) on the progress bar. */
    public Log withProgBar(boolean on) {
        return new Log(on, onStep, onEpoch, logger, syncDist);
    }

    /** A copy recording (or not) every step's value. */
    public Log onStep(boolean on) {
        return new Log(progBar, on, onEpoch, logger, syncDist);
    }

    /** A copy recording (or not) the epoch's mean, weighted by batch size. */
    public Log onEpoch(boolean on) {
        return new Log(progBar, onStep, on, logger, syncDist);
    }

    /** A copy sent (or not) to the loggers. */
    public Log logger(boolean on) {
        return new Log(progBar, onStep, onEpoch, on, syncDist);
    }

    /** A copy reduced (or not) across processes under a distributed strategy. */
    public Log syncDist(boolean on) {
        return new Log(progBar, onStep, onEpoch, logger, on);
    }

    /** Shown on the progress bar. */
    public boolean isProgBar() {
        return progBar;
    }

    /** Sent to the loggers. */
    public boolean isLogger() {
        return logger;
    }

    /** Reduced across processes. */
    public boolean isSyncDist() {
        return syncDist;
    }

    /** Whether to record per step in {@code stage}. */
    public boolean onStepIn(RunningStage stage) {
        return onStep != null ? onStep : stage == RunningStage.TRAINING;
    }

    /** Whether to record the epoch mean in {@code stage}. */
    public boolean onEpochIn(RunningStage stage) {
        return onEpoch != null ? onEpoch : stage != RunningStage.TRAINING;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Log l && progBar == l.progBar && Objects.equals(onStep, l.onStep)
                && Objects.equals(onEpoch, l.onEpoch) && logger == l.logger && syncDist == l.syncDist;
    }

    @Override
    public int hashCode() {
        return Objects.hash(progBar, onStep, onEpoch, logger, syncDist);
    }

    @Override
    public String toString() {
        return "Log[progBar=" + progBar + ", onStep=" + onStep + ", onEpoch=" + onEpoch + ", logger=" + logger
                + ", syncDist=" + syncDist + "]";
    }
}
