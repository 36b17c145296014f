package dev.lightning4j.optim.lr;

import dev.lightning4j.optim.ParamGroup;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The {@code initial_lr} of each param group. torch stores it in the group itself
 * ({@code group.setdefault('initial_lr', group['lr'])}) so that a second scheduler on the same
 * optimizer starts from the original rate rather than from whatever the first one set; our
 * {@link ParamGroup} has a fixed option set (the optimizer's, which checkpoints compare key by
 * key), so the value lives here instead, keyed weakly by group identity.
 */
final class InitialLr {
    // ParamGroup does not override equals/hashCode, so this is an identity map; weak keys let
    // optimizers be collected together with their groups.
    private static final Map<ParamGroup, Double> VALUES = new WeakHashMap<>();

    private InitialLr() {
    }

    /** torch's {@code group.setdefault('initial_lr', group['lr'])}: the stored value, storing the current lr first if absent. */
    static synchronized double setDefault(ParamGroup group) {
        return VALUES.computeIfAbsent(group, ParamGroup::lr);
    }

    /** torch's {@code group['initial_lr'] = value} (OneCycleLR overwrites it with max_lr / div_factor). */
    static synchronized void set(ParamGroup group, double value) {
        VALUES.put(group, value);
    }

    /** The stored value, or null when no scheduler has been built on the group yet. */
    static synchronized Double get(ParamGroup group) {
        return VALUES.get(group);
    }
}
