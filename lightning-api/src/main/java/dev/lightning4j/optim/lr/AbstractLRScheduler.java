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
 * The common part of epoch-indexed schedulers, as torch's {@code _LRScheduler}: a position
 * {@code last_epoch} (-1 before the first step), the {@code base_lrs} taken from each group's
 * {@code initial_lr}, and a {@link #step()} that advances the position, asks the subclass for each
 * group's new rate ({@code get_lr()}) and writes it into the optimizer.
 *
 * <p>Like torch, a new scheduler steps once in its constructor, so the optimizer holds the rate
 * of position 0 before training starts; subclasses call {@link #initialStep()} as the last
 * statement of their constructor (torch calls {@code super().__init__} last for the same reason:
 * {@code get_lr()} needs the subclass's fields).
 *
 * <p>The rate of a step is computed from the group's current rate where torch does so (the
 * "chainable" form) rather than from a closed form: the two differ in the last bits of a double,
 * and matching torch means using its arithmetic.
 */
public abstract class AbstractLRScheduler implements LRScheduler {
    private final Optimizer optimizer;
    private List<Double> baseLrs = List.of();
    private int lastEpoch = -1;
    private int stepCount;
    private List<Double> lastLr = List.of();

    /** A scheduler of {@code optimizer}'s groups; fails when it is null. */
    protected AbstractLRScheduler(Optimizer optimizer) {
        this.optimizer = Objects.requireNonNull(optimizer, () -> getClass().getSimpleName() + ": optimizer must not be null");
    }

    /**
     * The end of torch's {@code _LRScheduler.__init__}: records {@code initial_lr} in every group
     * that has none, takes {@code base_lrs} from it, and steps to position 0.
     */
    protected final void initialStep() {
        List<Double> base = new ArrayList<>();
        for (ParamGroup g : optimizer.paramGroups()) {
            base.add(InitialLr.setDefault(g));
        }
        baseLrs = List.copyOf(base);
        lastEpoch = -1;
        stepCount = 0;
        step();
    }

    /** Advances one position and writes the new rates into the optimizer. */
    @Override
    public void step() {
        stepCount++;
        lastEpoch++;
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] values = new double[groups.size()];
        try {
            for (int i = 0; i < values.length; i++) {
                values[i] = computeLr(i, groups.get(i), groups.get(i).lr(), baseLrs.get(i));
            }
        } catch (RuntimeException e) {
            // Unlike torch, a refused step (OneCycleLR past its total) leaves the scheduler unchanged.
            stepCount--;
            lastEpoch--;
            throw e;
        }
        List<Double> written = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            groups.get(i).set("lr", values[i]);
            written.add(groups.get(i).lr());
        }
        lastLr = List.copyOf(written);
    }

    /**
     * torch's {@code get_lr()} for one group at the current {@link #lastEpoch()}: the group's new
     * rate, from its current rate {@code lr} and its {@code baseLr}. May also set other options of
     * the group (OneCycleLR cycles the momentum here, as torch does).
     */
    protected abstract double computeLr(int groupIndex, ParamGroup group, double lr, double baseLr);

    /** The rate of each group after the latest step, as {@code get_last_lr()}. */
    @Override
    public List<Double> lastLr() {
        return lastLr;
    }

    /** The optimizer whose rates this scheduler sets. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The position: the number of steps since construction (0 right after it), as torch's {@code last_epoch}. */
    public int lastEpoch() {
        return lastEpoch;
    }

    /** The number of {@link #step()} calls including the constructor's, as torch's {@code _step_count}. */
    public int stepCount() {
        return stepCount;
    }

    /** Each group's {@code initial_lr} when this scheduler was built, as torch's {@code base_lrs}. */
    public List<Double> baseLrs() {
        return baseLrs;
    }

    /**
     * The {@code initial_lr} recorded for {@code group} by the first scheduler built on it (torch
     * keeps it in the group), or null when none was.
     */
    public static Double initialLr(ParamGroup group) {
        return InitialLr.get(group);
    }

    /**
     * The scheduler's hyper-parameters and position under torch's names ({@code last_epoch},
     * {@code base_lrs}, {@code _step_count}, {@code _last_lr} and the subclass's own).
     */
    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> out = new LinkedHashMap<>();
        writeHyperParameters(out);
        out.put("base_lrs", new ArrayList<>(baseLrs));
        out.put("last_epoch", lastEpoch);
        out.put("_step_count", stepCount);
        out.put("_last_lr", new ArrayList<>(lastLr));
        return out;
    }

    /**
     * Restores a {@link #stateDict()}. As torch's {@code load_state_dict} (which updates the
     * scheduler's {@code __dict__}), hyper-parameters present in {@code state} replace the
     * constructor's; the optimizer's rates are not touched: they come back with the optimizer's
     * own state, and the next {@link #step()} continues from them.
     */
    @Override
    public void loadStateDict(Map<String, Object> state) {
        Objects.requireNonNull(state, "state");
        String who = getClass().getSimpleName() + ".loadStateDict";
        List<Double> base = StateValues.doubles(state, "base_lrs", who);
        int groups = optimizer.paramGroups().size();
        if (base.size() != groups) {
            throw new IllegalArgumentException(who + ": base_lrs has " + base.size() + " entries but the optimizer has "
                    + groups + " param groups");
        }
        int epoch = StateValues.integer(state, "last_epoch", who);
        int count = StateValues.integer(state, "_step_count", who);
        List<Double> last = state.containsKey("_last_lr") ? StateValues.doubles(state, "_last_lr", who) : currentLrs();
        readHyperParameters(state, who);
        baseLrs = List.copyOf(base);
        lastEpoch = epoch;
        stepCount = count;
        lastLr = List.copyOf(last);
    }

    /** Adds the subclass's hyper-parameters, under torch's names, to a state dict being written. */
    protected abstract void writeHyperParameters(Map<String, Object> out);

    /**
     * Replaces hyper-parameters by those present in {@code state} (absent ones are kept), validating
     * them as the constructor does; {@code who} names the caller for error messages.
     */
    protected abstract void readHyperParameters(Map<String, Object> state, String who);

    private List<Double> currentLrs() {
        List<Double> out = new ArrayList<>();
        optimizer.paramGroups().forEach(g -> out.add(g.lr()));
        return out;
    }
}
