package dev.lightning4j.optim;

import dev.lightning4j.nn.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters that share hyper-parameters, as in {@code torch.optim}'s {@code param_groups}.
 * Options are host values that schedulers may change between steps (such as {@code lr}).
 */
public final class ParamGroup {
    private final List<Parameter> params;
    private final Map<String, Double> options;

    ParamGroup(List<Parameter> params, Map<String, Double> options) {
        this.params = List.copyOf(params);
        this.options = new LinkedHashMap<>(options);
    }

    /** The parameters of this group. */
    public List<Parameter> params() {
        return params;
    }

    /** The value of an option; fails with the known names when absent. */
    public double get(String option) {
        Double v = options.get(option);
        if (v == null) {
            throw new IllegalArgumentException("param group has no option '" + option + "'; it has " + options.keySet());
        }
        return v;
    }

    /** Sets an option (a scheduler changing {@code lr}, for example). */
    public void set(String option, double value) {
        if (!options.containsKey(option)) {
            throw new IllegalArgumentException("param group has no option '" + option + "'; it has " + options.keySet());
        }
        options.put(option, value);
    }

    /** The learning rate. */
    public double lr() {
        return get("lr");
    }

    /** All options, read-only. */
    public Map<String, Double> options() {
        return Collections.unmodifiableMap(options);
    }
}
