package dev.lightning4j.optim.lr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reading state dicts and checking arguments. State dicts come back from JSON, where an integer may
 * be a Long or a Double and a list any List of Numbers, so every accessor accepts any Number and
 * names the missing or mistyped key.
 */
final class StateValues {
    private StateValues() {
    }

    static Object require(Map<String, Object> state, String key, String who) {
        if (!state.containsKey(key)) {
            throw new IllegalArgumentException(who + ": the state has no '" + key + "'; it has " + state.keySet());
        }
        return state.get(key);
    }

    static double number(Map<String, Object> state, String key, String who) {
        Object v = require(state, key, who);
        if (!(v instanceof Number)) {
            throw new IllegalArgumentException(who + ": '" + key + "' must be a number, got " + describe(v));
        }
        return ((Number) v).doubleValue();
    }

    static int integer(Map<String, Object> state, String key, String who) {
        double d = number(state, key, who);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(who + ": '" + key + "' must be an integer, got " + d);
        }
        return (int) d;
    }

    static String string(Map<String, Object> state, String key, String who) {
        Object v = require(state, key, who);
        if (!(v instanceof String)) {
            throw new IllegalArgumentException(who + ": '" + key + "' must be a string, got " + describe(v));
        }
        return (String) v;
    }

    static boolean bool(Map<String, Object> state, String key, String who) {
        Object v = require(state, key, who);
        if (!(v instanceof Boolean)) {
            throw new IllegalArgumentException(who + ": '" + key + "' must be true or false, got " + describe(v));
        }
        return (Boolean) v;
    }

    static List<Double> doubles(Map<String, Object> state, String key, String who) {
        Object v = require(state, key, who);
        if (!(v instanceof List<?>)) {
            throw new IllegalArgumentException(who + ": '" + key + "' must be a list of numbers, got " + describe(v));
        }
        List<Double> out = new ArrayList<>();
        for (Object o : (List<?>) v) {
            if (!(o instanceof Number)) {
                throw new IllegalArgumentException(who + ": '" + key + "' must be a list of numbers, got an element " + describe(o));
            }
            out.add(((Number) o).doubleValue());
        }
        return out;
    }

    private static String describe(Object v) {
        return v == null ? "null" : v + " (" + v.getClass().getSimpleName() + ")";
    }

    // ---- argument checks; messages name the scheduler and torch's argument name ----

    static double finite(String scheduler, String arg, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(scheduler + ": invalid " + arg + " " + value + "; expected a finite number");
        }
        return value;
    }

    static double nonNegative(String scheduler, String arg, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(scheduler + ": invalid " + arg + " " + value + "; expected a finite number >= 0");
        }
        return value;
    }

    static double positive(String scheduler, String arg, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(scheduler + ": invalid " + arg + " " + value + "; expected a finite number > 0");
        }
        return value;
    }

    static int atLeast(String scheduler, String arg, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(scheduler + ": invalid " + arg + " " + value + "; expected an integer >= " + min);
        }
        return value;
    }
}
