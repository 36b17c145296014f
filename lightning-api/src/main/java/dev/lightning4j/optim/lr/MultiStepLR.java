package dev.lightning4j.optim.lr;

import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.optim.ParamGroup;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Multiplies each group's rate by {@code gamma} at each milestone, as
 * {@code torch.optim.lr_scheduler.MultiStepLR}. As torch's {@code Counter}, milestones may come in
 * any order and a milestone listed twice decays by {@code gamma ** 2} there.
 */
public final class MultiStepLR extends AbstractLRScheduler {
    private TreeMap<Integer, Integer> milestones;
    private double gamma;

    /** Decays by {@code gamma} (finite, > 0) at each of {@code milestones} (integers >= 0). */
    public MultiStepLR(Optimizer optimizer, Collection<Integer> milestones, double gamma) {
        super(optimizer);
        this.milestones = count("MultiStepLR", milestones);
        this.gamma = StateValues.positive("MultiStepLR", "gamma", gamma);
        initialStep();
    }

    /** torch's default {@code gamma = 0.1}. */
    public MultiStepLR(Optimizer optimizer, Collection<Integer> milestones) {
        this(optimizer, milestones, 0.1);
    }

    /** The milestones with their multiplicities (torch's {@code Counter}). */
    public Map<Integer, Integer> milestones() {
        return java.util.Collections.unmodifiableMap(milestones);
    }

    @Override
    protected double computeLr(int groupIndex, ParamGroup group, double lr, double baseLr) {
        Integer times = milestones.get(lastEpoch());
        if (times == null) {
            return lr;
        }
        // Python's float ** int is C pow(); for the usual single milestone it is exact (gamma ** 1).
        return lr * Math.pow(gamma, times);
    }

    @Override
    protected void writeHyperParameters(Map<String, Object> out) {
        // torch's Counter({30: 1, 80: 1}); JSON object keys are strings.
        Map<String, Object> m = new LinkedHashMap<>();
        milestones.forEach((k, v) -> m.put(String.valueOf(k), v));
        out.put("milestones", m);
        out.put("gamma", gamma);
    }

    @Override
    protected void readHyperParameters(Map<String, Object> state, String who) {
        if (state.containsKey("milestones")) {
            Object v = state.get("milestones");
            List<Integer> flat = new ArrayList<>();
            if (v instanceof Map<?, ?>) {
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    int milestone;
                    try {
                        milestone = Integer.parseInt(String.valueOf(e.getKey()));
                    } catch (NumberFormatException ex) {
                        throw new IllegalArgumentException(who + ": milestone key '" + e.getKey() + "' is not an integer");
                    }
                    if (!(e.getValue() instanceof Number) || ((Number) e.getValue()).doubleValue() < 1) {
                        throw new IllegalArgumentException(who + ": milestone " + milestone + " has count " + e.getValue()
                                + "; expected an integer >= 1");
                    }
                    for (int i = 0; i < ((Number) e.getValue()).intValue(); i++) {
                        flat.add(milestone);
                    }
                }
            } else if (v instanceof List<?>) {
                for (Object o : (List<?>) v) {
                    if (!(o instanceof Number)) {
                        throw new IllegalArgumentException(who + ": milestones must be integers, got " + o);
                    }
                    flat.add(((Number) o).intValue());
                }
            } else {
                throw new IllegalArgumentException(who + ": 'milestones' must be a map of milestone to count, got " + v);
            }
            milestones = count(who, flat);
        }
        if (state.containsKey("gamma")) {
            gamma = StateValues.positive(who, "gamma", StateValues.number(state, "gamma", who));
        }
    }

    private static TreeMap<Integer, Integer> count(String who, Collection<Integer> milestones) {
        Objects.requireNonNull(milestones, () -> who + ": milestones must not be null");
        TreeMap<Integer, Integer> out = new TreeMap<>();
        for (Integer m : milestones) {
            if (m == null || m < 0) {
                throw new IllegalArgumentException(who + ": invalid milestone " + m + " in milestones " + milestones
                        + "; expected integers >= 0");
            }
            out.merge(m, 1, Integer::sum);
        }
        return out;
    }
}
