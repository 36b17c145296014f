package dev.lightning4j.optim.lr;

import dev.lightning4j.optim.LRScheduler;
import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.optim.ParamGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reduces the rates by {@code factor} when a monitored metric stops improving for more than
 * {@code patience} steps, as {@code torch.optim.lr_scheduler.ReduceLROnPlateau}. It needs the
 * metric ({@link #needsMetric()}): configure it with
 * {@code Optimization.of(optimizer, scheduler).monitor("val_loss")}, and the Trainer calls
 * {@link #step(double)} with the metric's latest value.
 *
 * <p>A value improves on the best one when, for mode min, {@code a < best * (1 - threshold)}
 * (rel) or {@code a < best - threshold} (abs), and for mode max {@code a > best * (1 + threshold)}
 * or {@code a > best + threshold}. A reduction sets {@code lr = max(lr * factor, min_lr)} when it
 * changes the rate by more than {@code eps}, then waits {@code cooldown} steps before counting bad
 * steps again. A NaN metric is never better, as in Python.
 */
public final class ReduceLROnPlateau implements LRScheduler {
    private static final String NAME = "ReduceLROnPlateau";

    /** Whether lower or higher values of the metric are better. */
    public enum Mode {
        /** Lower is better (a loss). */
        MIN,
        /** Higher is better (an accuracy). */
        MAX;

        /** torch's name. */
        public String torchName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The mode called {@code name} in torch ({@code "min"} or {@code "max"}); fails naming the argument otherwise. */
        public static Mode of(String name) {
            for (Mode m : values()) {
                if (m.torchName().equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException(NAME + ": mode '" + name + "' is unknown; expected 'min' or 'max'");
        }
    }

    /** How {@code threshold} is applied. */
    public enum ThresholdMode {
        /** Relative to the best value. */
        REL,
        /** An absolute margin. */
        ABS;

        /** torch's name. */
        public String torchName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The mode called {@code name} in torch ({@code "rel"} or {@code "abs"}); fails naming the argument otherwise. */
        public static ThresholdMode of(String name) {
            for (ThresholdMode m : values()) {
                if (m.torchName().equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException(NAME + ": threshold_mode '" + name + "' is unknown; expected 'rel' or 'abs'");
        }
    }

    private final Optimizer optimizer;
    private Mode mode;
    private double factor;
    private int patience;
    private double threshold;
    private ThresholdMode thresholdMode;
    private int cooldown;
    private List<Double> minLrs;
    private double eps;
    private double best;
    private int numBadEpochs;
    private int cooldownCounter;
    private int lastEpoch;
    private List<Double> lastLr;

    /** With torch's defaults: min, factor 0.1, patience 10, threshold 1e-4 rel, cooldown 0, min_lr 0, eps 1e-8. */
    public ReduceLROnPlateau(Optimizer optimizer) {
        this(builder(optimizer));
    }

    private ReduceLROnPlateau(Builder b) {
        this.optimizer = b.optimizer;
        this.mode = Objects.requireNonNull(b.mode, NAME + ": mode must not be null");
        this.factor = checkFactor(NAME, b.factor);
        this.patience = StateValues.atLeast(NAME, "patience", b.patience, 0);
        this.threshold = StateValues.nonNegative(NAME, "threshold", b.threshold);
        this.thresholdMode = Objects.requireNonNull(b.thresholdMode, NAME + ": threshold_mode must not be null");
        this.cooldown = StateValues.atLeast(NAME, "cooldown", b.cooldown, 0);
        int groups = optimizer.paramGroups().size();
        List<Double> mins = new ArrayList<>();
        if (b.minLrs.size() == 1) {
            for (int i = 0; i < groups; i++) {
                mins.add(b.minLrs.get(0));
            }
        } else if (b.minLrs.size() == groups) {
            mins.addAll(b.minLrs);
        } else {
            throw new IllegalArgumentException(NAME + ": expected " + groups + " min_lrs, got " + b.minLrs.size());
        }
        mins.forEach(v -> StateValues.nonNegative(NAME, "min_lr", v));
        this.minLrs = List.copyOf(mins);
        this.eps = StateValues.nonNegative(NAME, "eps", b.eps);
        this.lastEpoch = 0;
        reset();
        this.lastLr = currentLrs();
    }

    /** A builder with torch's defaults. */
    public static Builder builder(Optimizer optimizer) {
        return new Builder(optimizer);
    }

    private static double checkFactor(String who, double factor) {
        if (!(factor >= 0 && factor < 1)) {
            throw new IllegalArgumentException(who + ": invalid factor " + factor + "; factor should be >= 0 and < 1.0");
        }
        return factor;
    }

    private double modeWorse() {
        return mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    private void reset() {
        best = modeWorse();
        cooldownCounter = 0;
        numBadEpochs = 0;
    }

    @Override
    public boolean needsMetric() {
        return true;
    }

    /** Always fails: this scheduler needs the monitored metric, {@link #step(double)}. */
    @Override
    public void step() {
        throw new IllegalStateException(NAME + " needs a metric: call step(metric), or configure it with "
                + "Optimization.of(optimizer, scheduler).monitor(\"val_loss\") so the Trainer passes one");
    }

    /** One step with the latest value of the monitored metric. */
    @Override
    public void step(double metric) {
        lastEpoch++;
        if (isBetter(metric, best)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0; // bad steps during the cooldown do not count
        }
        if (numBadEpochs > patience) {
            reduceLr();
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
        lastLr = currentLrs();
    }

    private void reduceLr() {
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size(); i++) {
            double oldLr = groups.get(i).lr();
            double newLr = Math.max(oldLr * factor, minLrs.get(i));
            if (oldLr - newLr > eps) {
                groups.get(i).set("lr", newLr);
            }
        }
    }

    private boolean isBetter(double a, double best) {
        if (mode == Mode.MIN) {
            return thresholdMode == ThresholdMode.REL ? a < best * (1. - threshold) : a < best - threshold;
        }
        return thresholdMode == ThresholdMode.REL ? a > best * (threshold + 1.) : a > best + threshold;
    }

    /** The best metric so far (infinite, the worst value of the mode, before any step). */
    public double best() {
        return best;
    }

    /** Steps without improvement since the best value or the last reduction. */
    public int numBadEpochs() {
        return numBadEpochs;
    }

    /** Steps of cooldown left. */
    public int cooldownCounter() {
        return cooldownCounter;
    }

    /** Steps taken. */
    public int lastEpoch() {
        return lastEpoch;
    }

    @Override
    public List<Double> lastLr() {
        return lastLr;
    }

    private List<Double> currentLrs() {
        List<Double> out = new ArrayList<>();
        optimizer.paramGroups().forEach(g -> out.add(g.lr()));
        return List.copyOf(out);
    }

    /** torch's state: factor, min_lrs, patience, cooldown, cooldown_counter, mode, threshold, threshold_mode, best, num_bad_epochs, mode_worse, eps, last_epoch, _last_lr. */
    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("factor", factor);
        out.put("min_lrs", new ArrayList<>(minLrs));
        out.put("patience", patience);
        out.put("cooldown", cooldown);
        out.put("cooldown_counter", cooldownCounter);
        out.put("mode", mode.torchName());
        out.put("threshold", threshold);
        out.put("threshold_mode", thresholdMode.torchName());
        // May be infinite: the checkpoint JSON writes Infinity as Python's json module does.
        out.put("best", best);
        out.put("num_bad_epochs", numBadEpochs);
        out.put("mode_worse", modeWorse());
        out.put("eps", eps);
        out.put("last_epoch", lastEpoch);
        out.put("_last_lr", new ArrayList<>(lastLr));
        return out;
    }

    /** Restores a {@link #stateDict()}; keys absent from {@code state} keep their values. The optimizer's rates are not touched. */
    @Override
    public void loadStateDict(Map<String, Object> state) {
        Objects.requireNonNull(state, "state");
        String who = NAME + ".loadStateDict";
        Mode m = state.containsKey("mode") ? modeOf(StateValues.string(state, "mode", who), who) : mode;
        ThresholdMode tm = state.containsKey("threshold_mode")
                ? thresholdModeOf(StateValues.string(state, "threshold_mode", who), who) : thresholdMode;
        double f = state.containsKey("factor") ? checkFactor(who, StateValues.number(state, "factor", who)) : factor;
        int p = state.containsKey("patience") ? StateValues.atLeast(who, "patience", StateValues.integer(state, "patience", who), 0) : patience;
        int c = state.containsKey("cooldown") ? StateValues.atLeast(who, "cooldown", StateValues.integer(state, "cooldown", who), 0) : cooldown;
        double t = state.containsKey("threshold") ? StateValues.nonNegative(who, "threshold", StateValues.number(state, "threshold", who)) : threshold;
        double e = state.containsKey("eps") ? StateValues.nonNegative(who, "eps", StateValues.number(state, "eps", who)) : eps;
        List<Double> mins = minLrs;
        if (state.containsKey("min_lrs")) {
            mins = StateValues.doubles(state, "min_lrs", who);
            if (mins.size() != optimizer.paramGroups().size()) {
                throw new IllegalArgumentException(who + ": min_lrs has " + mins.size() + " entries but the optimizer has "
                        + optimizer.paramGroups().size() + " param groups");
            }
        }
        double b = StateValues.number(state, "best", who);
        int bad = StateValues.integer(state, "num_bad_epochs", who);
        int cc = StateValues.integer(state, "cooldown_counter", who);
        int le = StateValues.integer(state, "last_epoch", who);
        List<Double> ll = state.containsKey("_last_lr") ? StateValues.doubles(state, "_last_lr", who) : currentLrs();
        mode = m;
        thresholdMode = tm;
        factor = f;
        patience = p;
        cooldown = c;
        threshold = t;
        eps = e;
        minLrs = List.copyOf(mins);
        best = b;
        numBadEpochs = bad;
        cooldownCounter = cc;
        lastEpoch = le;
        lastLr = List.copyOf(ll);
    }

    private static Mode modeOf(String name, String who) {
        try {
            return Mode.of(name);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(who + ": mode '" + name + "' is unknown; expected 'min' or 'max'", ex);
        }
    }

    private static ThresholdMode thresholdModeOf(String name, String who) {
        try {
            return ThresholdMode.of(name);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(who + ": threshold_mode '" + name + "' is unknown; expected 'rel' or 'abs'", ex);
        }
    }

    /** Builds a {@link ReduceLROnPlateau}; every option defaults to torch's. */
    public static final class Builder {
        private final Optimizer optimizer;
        private Mode mode = Mode.MIN;
        private double factor = 0.1;
        private int patience = 10;
        private double threshold = 1e-4;
        private ThresholdMode thresholdMode = ThresholdMode.REL;
        private int cooldown;
        private List<Double> minLrs = List.of(0.0);
        private double eps = 1e-8;

        private Builder(Optimizer optimizer) {
            this.optimizer = Objects.requireNonNull(optimizer, NAME + ": optimizer must not be null");
        }

        /** Lower ({@code MIN}, default) or higher ({@code MAX}) is better. */
        public Builder mode(Mode value) {
            this.mode = value;
            return this;
        }

        /** The mode by torch's name, {@code "min"} or {@code "max"}. */
        public Builder mode(String value) {
            this.mode = Mode.of(value);
            return this;
        }

        /** The reduction factor, in [0, 1) (default 0.1). */
        public Builder factor(double value) {
            this.factor = value;
            return this;
        }

        /** Steps without improvement tolerated before a reduction (default 10). */
        public Builder patience(int value) {
            this.patience = value;
            return this;
        }

        /** The margin an improvement must exceed (default 1e-4). */
        public Builder threshold(double value) {
            this.threshold = value;
            return this;
        }

        /** Relative ({@code REL}, default) or absolute ({@code ABS}) threshold. */
        public Builder thresholdMode(ThresholdMode value) {
            this.thresholdMode = value;
            return this;
        }

        /** The threshold mode by torch's name, {@code "rel"} or {@code "abs"}. */
        public Builder thresholdMode(String value) {
            this.thresholdMode = ThresholdMode.of(value);
            return this;
        }

        /** Steps to wait after a reduction before counting bad steps again (default 0). */
        public Builder cooldown(int value) {
            this.cooldown = value;
            return this;
        }

        /** The lowest rate of every group (default 0). */
        public Builder minLr(double value) {
            this.minLrs = List.of(value);
            return this;
        }

        /** The lowest rate of each group. */
        public Builder minLrs(List<Double> values) {
            this.minLrs = List.copyOf(values);
            return this;
        }

        /** Reductions smaller than this are skipped (default 1e-8). */
        public Builder eps(double value) {
            this.eps = value;
            return this;
        }

        /** The scheduler; fails on invalid options. */
        public ReduceLROnPlateau build() {
            return new ReduceLROnPlateau(this);
        }
    }
}
