package dev.lightning4j.callbacks;

import dev.lightning4j.core.LightningModule;
import dev.lightning4j.trainer.Trainer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Stops training when a monitored metric stops improving, as Lightning's {@code EarlyStopping}:
 * checked after each validation run (or at the end of each training epoch when there is no
 * validation), with {@code patience} checks without an improvement larger than {@code minDelta}.
 * With {@code checkFinite}, a NaN or infinite metric stops training at once.
 */
public final class EarlyStopping implements Callback {
    /** Whether smaller or larger values are better. */
    public enum Mode { MIN, MAX }

    private final String monitor;
    private int patience = 3;
    private double minDelta;
    private Mode mode = Mode.MIN;
    private boolean checkFinite = true;
    private boolean strict = true;
    private int waitCount;
    private double best;
    private int stoppedEpoch = -1;
    private String stopReason;
    private boolean ranValidation;

    /** Watches {@code monitor} (for example {@code val_loss}). */
    public EarlyStopping(String monitor) {
        this.monitor = monitor;
        this.best = Double.POSITIVE_INFINITY;
    }

    /** Checks without improvement before stopping (default 3). */
    public EarlyStopping patience(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("EarlyStopping patience must be >= 0, got " + n);
        }
        this.patience = n;
        return this;
    }

    /** The smallest change that counts as an improvement (default 0). */
    public EarlyStopping minDelta(double delta) {
        this.minDelta = Math.abs(delta);
        return this;
    }

    /** {@code MIN} (default) or {@code MAX}. */
    public EarlyStopping mode(Mode m) {
        this.mode = m;
        this.best = m == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        return this;
    }

    /** Stop at once when the metric is NaN or infinite (default true). */
    public EarlyStopping checkFinite(boolean on) {
        this.checkFinite = on;
        return this;
    }

    /** Fail when the monitored metric is missing (default true). */
    public EarlyStopping strict(boolean on) {
        this.strict = on;
        return this;
    }

    @Override
    public String stateKey() {
        return "EarlyStopping{monitor=" + monitor + ", mode=" + mode.name().toLowerCase(Locale.ROOT) + "}";
    }

    /** The best value seen. */
    public double bestScore() {
        return best;
    }

    /** Checks since the last improvement. */
    public int waitCount() {
        return waitCount;
    }

    /** The epoch at which training was stopped, or -1. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    /** Why training was stopped, or null. */
    public String stopReason() {
        return stopReason;
    }

    @Override
    public void onValidationEnd(Trainer trainer, LightningModule module) {
        if (trainer.state().sanityChecking()) {
            return;
        }
        ranValidation = true;
        check(trainer);
    }

    @Override
    public void onTrainEpochEnd(Trainer trainer, LightningModule module) {
        if (!ranValidation) {
            check(trainer);
        }
    }

    private void check(Trainer trainer) {
        Double current = trainer.callbackMetrics().get(monitor);
        if (current == null) {
            if (strict) {
                throw new IllegalStateException("EarlyStopping monitors '" + monitor + "', which was not logged; "
                        + "available metrics: " + trainer.callbackMetrics().keySet());
            }
            return;
        }
        if (checkFinite && !Double.isFinite(current)) {
            stop(trainer, "Monitored metric " + monitor + " = " + current + " is not finite. Previous best value was "
                    + best + ". Signaling Trainer to stop.");
            return;
        }
        boolean improved = mode == Mode.MIN ? current + minDelta < best : current - minDelta > best;
        if (improved) {
            best = current;
            waitCount = 0;
        } else {
            waitCount++;
            if (waitCount >= patience) {
                stop(trainer, "Monitored metric " + monitor + " did not improve in the last " + waitCount
                        + " records. Best score: " + best + ". Signaling Trainer to stop.");
            }
        }
    }

    private void stop(Trainer trainer, String reason) {
        stoppedEpoch = trainer.currentEpoch();
        stopReason = reason;
        trainer.state().requestStop();
    }

    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("wait_count", waitCount);
        s.put("stopped_epoch", stoppedEpoch);
        s.put("best_score", best);
        s.put("patience", patience);
        return s;
    }

    @Override
    public void loadStateDict(Map<String, Object> state) {
        waitCount = ((Number) state.get("wait_count")).intValue();
        stoppedEpoch = ((Number) state.get("stopped_epoch")).intValue();
        best = ((Number) state.get("best_score")).doubleValue();
    }
}
