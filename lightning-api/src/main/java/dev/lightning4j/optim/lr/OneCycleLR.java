package dev.lightning4j.optim.lr;

import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.optim.ParamGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 1cycle policy, as {@code torch.optim.lr_scheduler.OneCycleLR}: the rate rises from
 * {@code max_lr / div_factor} to {@code max_lr} over the first {@code pct_start} of
 * {@code total_steps}, then falls to {@code initial_lr / final_div_factor}; with
 * {@code three_phase} it first falls back to the initial rate and then anneals to the minimum.
 * With {@code cycle_momentum} the momentum moves inversely between {@code max_momentum} and
 * {@code base_momentum}: the {@code momentum} option of SGD-like optimizers, or {@code beta1} of
 * Adam-like ones (torch's {@code betas[0]}).
 *
 * <p>Meant to be stepped after every optimizer step; stepping more than {@code total_steps}
 * times fails, as in torch. Every value is computed from the phase's end points, not recursively
 * (torch's {@code get_lr()} does the same here).
 */
public final class OneCycleLR extends AbstractLRScheduler {
    private static final String NAME = "OneCycleLR";

    /** How each phase moves between its end points. */
    public enum AnnealStrategy {
        /** {@code end + (start - end) / 2 * (cos(pi * pct) + 1)}. */
        COS("cos"),
        /** {@code (end - start) * pct + start}. */
        LINEAR("linear");

        private final String torchName;

        AnnealStrategy(String torchName) {
            this.torchName = torchName;
        }

        /** torch's name ({@code "cos"} or {@code "linear"}). */
        public String torchName() {
            return torchName;
        }

        /** The strategy called {@code name} in torch; fails naming the argument otherwise. */
        public static AnnealStrategy of(String name) {
            for (AnnealStrategy s : values()) {
                if (s.torchName.equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException(NAME + ": anneal_strategy must be one of 'cos' or 'linear', instead got '" + name + "'");
        }
    }

    /** One phase, with the names of the group values it moves between (torch's {@code _schedule_phases}). */
    private record Phase(double endStep, String startLr, String endLr, String startMomentum, String endMomentum) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("end_step", endStep);
            m.put("start_lr", startLr);
            m.put("end_lr", endLr);
            m.put("start_momentum", startMomentum);
            m.put("end_momentum", endMomentum);
            return m;
        }
    }

    private int totalSteps;
    private double pctStart;
    private AnnealStrategy anneal;
    private boolean threePhase;
    private boolean cycleMomentum;
    private boolean useBeta1;
    private List<Phase> phases;
    // Per group: what torch stores in the param group itself (initial_lr, max_lr, min_lr,
    // max_momentum, base_momentum); our groups have a fixed option set.
    private double[] initialLrs;
    private double[] maxLrs;
    private double[] minLrs;
    private double[] maxMomentums;
    private double[] baseMomentums;

    /** 1cycle to {@code maxLr} over {@code totalSteps} with torch's other defaults. */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps) {
        this(builder(optimizer, maxLr, totalSteps));
    }

    private OneCycleLR(Builder b) {
        super(b.optimizer);
        int groups = b.optimizer.paramGroups().size();
        this.totalSteps = StateValues.atLeast(NAME, "total_steps", b.totalSteps, 1);
        if (!(b.pctStart >= 0 && b.pctStart <= 1)) {
            throw new IllegalArgumentException(NAME + ": invalid pct_start " + b.pctStart + "; expected a float between 0 and 1");
        }
        this.pctStart = b.pctStart;
        this.anneal = java.util.Objects.requireNonNull(b.anneal, NAME + ": anneal_strategy must not be null");
        this.threePhase = b.threePhase;
        this.phases = phases(totalSteps, pctStart, threePhase);
        List<Double> maxLrList = perGroup("max_lr", b.maxLrs, groups);
        double divFactor = StateValues.positive(NAME, "div_factor", b.divFactor);
        double finalDivFactor = StateValues.positive(NAME, "final_div_factor", b.finalDivFactor);
        initialLrs = new double[groups];
        maxLrs = new double[groups];
        minLrs = new double[groups];
        for (int i = 0; i < groups; i++) {
            maxLrs[i] = StateValues.positive(NAME, "max_lr", maxLrList.get(i));
            initialLrs[i] = maxLrs[i] / divFactor;
            minLrs[i] = initialLrs[i] / finalDivFactor;
        }
        this.cycleMomentum = b.cycleMomentum;
        maxMomentums = new double[groups];
        baseMomentums = new double[groups];
        if (cycleMomentum) {
            Map<String, Double> options = b.optimizer.paramGroups().get(0).options();
            if (!options.containsKey("momentum") && !options.containsKey("beta1")) {
                throw new IllegalArgumentException(NAME + ": cycle_momentum needs an optimizer with a 'momentum' or 'beta1' option; "
                        + b.optimizer.getClass().getSimpleName() + " has " + options.keySet()
                        + " (pass cycleMomentum(false))");
            }
            useBeta1 = options.containsKey("beta1");
            List<Double> maxM = perGroup("max_momentum", b.maxMomentums, groups);
            List<Double> baseM = perGroup("base_momentum", b.baseMomentums, groups);
            for (int i = 0; i < groups; i++) {
                maxMomentums[i] = momentum("max_momentum", maxM.get(i));
                baseMomentums[i] = momentum("base_momentum", baseM.get(i));
            }
        }
        // Everything is validated: now change the optimizer, as torch's constructor does.
        for (int i = 0; i < groups; i++) {
            ParamGroup g = b.optimizer.paramGroups().get(i);
            InitialLr.set(g, initialLrs[i]);
            if (cycleMomentum) {
                g.set(momentumKey(), maxMomentums[i]);
            }
        }
        initialStep();
    }

    /** A builder with torch's defaults: pct_start 0.3, cos, div_factor 25, final_div_factor 1e4, momentum 0.85..0.95. */
    public static Builder builder(Optimizer optimizer, double maxLr, int totalSteps) {
        return new Builder(optimizer, maxLr, totalSteps);
    }

    private static double momentum(String arg, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(NAME + ": invalid " + arg + " " + v + "; expected a value in [0, 1)");
        }
        return v;
    }

    private static List<Double> perGroup(String arg, List<Double> values, int groups) {
        if (values.size() == 1) {
            List<Double> out = new ArrayList<>();
            for (int i = 0; i < groups; i++) {
                out.add(values.get(0));
            }
            return out;
        }
        if (values.size() != groups) {
            throw new IllegalArgumentException(NAME + ": expected " + groups + " values for " + arg + ", got " + values.size());
        }
        return values;
    }

    private static List<Phase> phases(int totalSteps, double pctStart, boolean threePhase) {
        if (threePhase) {
            return List.of(
                    new Phase(pctStart * totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                    new Phase(2 * pctStart * totalSteps - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                    new Phase(totalSteps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"));
        }
        return List.of(
                new Phase(pctStart * totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                new Phase(totalSteps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"));
    }

    private String momentumKey() {
        return useBeta1 ? "beta1" : "momentum";
    }

    private double value(String name, int group) {
        switch (name) {
            case "initial_lr":
                return initialLrs[group];
            case "max_lr":
                return maxLrs[group];
            case "min_lr":
                return minLrs[group];
            case "max_momentum":
                return maxMomentums[group];
            case "base_momentum":
                return baseMomentums[group];
            default:
                throw new IllegalStateException(NAME + ": unknown phase value " + name);
        }
    }

    private double anneal(double start, double end, double pct) {
        if (anneal == AnnealStrategy.COS) {
            double cosOut = Math.cos(Math.PI * pct) + 1;
            return end + (start - end) / 2.0 * cosOut;
        }
        return (end - start) * pct + start;
    }

    @Override
    protected double computeLr(int groupIndex, ParamGroup group, double lr, double baseLr) {
        int stepNum = lastEpoch();
        if (stepNum > totalSteps) {
            throw new IllegalStateException(NAME + ": tried to step " + (stepNum + 1) + " times; the specified number of total steps is "
                    + totalSteps + " (the constructor steps once, so at most total_steps further steps are allowed)");
        }
        double startStep = 0;
        double computedLr = lr;
        double computedMomentum = 0;
        for (int i = 0; i < phases.size(); i++) {
            Phase phase = phases.get(i);
            double endStep = phase.endStep();
            if (stepNum <= endStep || i == phases.size() - 1) {
                double pct = (stepNum - startStep) / (endStep - startStep);
                computedLr = anneal(value(phase.startLr(), groupIndex), value(phase.endLr(), groupIndex), pct);
                if (cycleMomentum) {
                    computedMomentum = anneal(value(phase.startMomentum(), groupIndex), value(phase.endMomentum(), groupIndex), pct);
                }
                break;
            }
            startStep = phase.endStep();
        }
        if (cycleMomentum) {
            group.set(momentumKey(), computedMomentum);
        }
        return computedLr;
    }

    @Override
    protected void writeHyperParameters(Map<String, Object> out) {
        out.put("total_steps", totalSteps);
        out.put("pct_start", pctStart);
        out.put("anneal_strategy", anneal.torchName());
        out.put("three_phase", threePhase);
        List<Object> ph = new ArrayList<>();
        phases.forEach(p -> ph.add(p.toMap()));
        out.put("_schedule_phases", ph);
        out.put("cycle_momentum", cycleMomentum);
        out.put("use_beta1", useBeta1);
        out.put("initial_lr", list(initialLrs));
        out.put("max_lr", list(maxLrs));
        out.put("min_lr", list(minLrs));
        out.put("max_momentum", list(maxMomentums));
        out.put("base_momentum", list(baseMomentums));
    }

    @Override
    protected void readHyperParameters(Map<String, Object> state, String who) {
        int groups = optimizer().paramGroups().size();
        int total = state.containsKey("total_steps")
                ? StateValues.atLeast(who, "total_steps", StateValues.integer(state, "total_steps", who), 1) : totalSteps;
        double pct = state.containsKey("pct_start") ? StateValues.number(state, "pct_start", who) : pctStart;
        if (!(pct >= 0 && pct <= 1)) {
            throw new IllegalArgumentException(who + ": invalid pct_start " + pct + "; expected a float between 0 and 1");
        }
        AnnealStrategy strategy = state.containsKey("anneal_strategy")
                ? AnnealStrategy.of(StateValues.string(state, "anneal_strategy", who)) : anneal;
        boolean three = state.containsKey("three_phase") ? StateValues.bool(state, "three_phase", who) : threePhase;
        boolean cycle = state.containsKey("cycle_momentum") ? StateValues.bool(state, "cycle_momentum", who) : cycleMomentum;
        boolean beta1 = state.containsKey("use_beta1") ? StateValues.bool(state, "use_beta1", who) : useBeta1;
        double[][] arrays = {initialLrs, maxLrs, minLrs, maxMomentums, baseMomentums};
        String[] names = {"initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"};
        double[][] loaded = new double[names.length][];
        for (int k = 0; k < names.length; k++) {
            if (state.containsKey(names[k])) {
                List<Double> v = StateValues.doubles(state, names[k], who);
                if (v.size() != groups) {
                    throw new IllegalArgumentException(who + ": '" + names[k] + "' has " + v.size() + " entries but the optimizer has "
                            + groups + " param groups");
                }
                loaded[k] = v.stream().mapToDouble(Double::doubleValue).toArray();
            } else {
                loaded[k] = arrays[k];
            }
        }
        totalSteps = total;
        pctStart = pct;
        anneal = strategy;
        threePhase = three;
        cycleMomentum = cycle;
        useBeta1 = beta1;
        // _schedule_phases follow from these values; recomputing them rather than parsing the saved
        // copy keeps the two consistent.
        phases = phases(total, pct, three);
        initialLrs = loaded[0];
        maxLrs = loaded[1];
        minLrs = loaded[2];
        maxMomentums = loaded[3];
        baseMomentums = loaded[4];
    }

    private static List<Double> list(double[] values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(v);
        }
        return out;
    }

    /** Builds a {@link OneCycleLR}; every option defaults to torch's. */
    public static final class Builder {
        private final Optimizer optimizer;
        private final int totalSteps;
        private List<Double> maxLrs;
        private double pctStart = 0.3;
        private AnnealStrategy anneal = AnnealStrategy.COS;
        private double divFactor = 25;
        private double finalDivFactor = 1e4;
        private boolean threePhase;
        private boolean cycleMomentum = true;
        private List<Double> baseMomentums = List.of(0.85);
        private List<Double> maxMomentums = List.of(0.95);

        private Builder(Optimizer optimizer, double maxLr, int totalSteps) {
            this.optimizer = java.util.Objects.requireNonNull(optimizer, NAME + ": optimizer must not be null");
            this.maxLrs = List.of(maxLr);
            this.totalSteps = totalSteps;
        }

        /** One peak rate per param group (instead of one for all). */
        public Builder maxLrs(List<Double> values) {
            this.maxLrs = List.copyOf(values);
            return this;
        }

        /** The fraction of the steps spent increasing the rate (default 0.3). */
        public Builder pctStart(double value) {
            this.pctStart = value;
            return this;
        }

        /** Cosine or linear annealing (default cosine). */
        public Builder annealStrategy(AnnealStrategy value) {
            this.anneal = value;
            return this;
        }

        /** The strategy by torch's name, {@code "cos"} or {@code "linear"}. */
        public Builder annealStrategy(String value) {
            this.anneal = AnnealStrategy.of(value);
            return this;
        }

        /** {@code initial_lr = max_lr / div_factor} (default 25). */
        public Builder divFactor(double value) {
            this.divFactor = value;
            return this;
        }

        /** {@code min_lr = initial_lr / final_div_factor} (default 1e4). */
        public Builder finalDivFactor(double value) {
            this.finalDivFactor = value;
            return this;
        }

        /** Three phases (up, back down to the initial rate, then to the minimum) instead of two. */
        public Builder threePhase(boolean value) {
            this.threePhase = value;
            return this;
        }

        /** Cycle the momentum ({@code momentum} or {@code beta1}) inversely to the rate (default on). */
        public Builder cycleMomentum(boolean value) {
            this.cycleMomentum = value;
            return this;
        }

        /** The momentum at the peak rate (default 0.85). */
        public Builder baseMomentum(double value) {
            this.baseMomentums = List.of(value);
            return this;
        }

        /** The momentum at the lowest rates (default 0.95). */
        public Builder maxMomentum(double value) {
            this.maxMomentums = List.of(value);
            return this;
        }

        /** The scheduler; it sets the optimizer's rate (and momentum) for step 0. Fails on invalid options. */
        public OneCycleLR build() {
            return new OneCycleLR(this);
        }
    }
}
