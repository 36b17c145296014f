package dev.lightning4j.examples;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Parses the applications' {@code --key=value} arguments, rejecting unknown keys by name. */
public final class Args {
    private Args() {
    }

    /**
     * The options in {@code args}.
     *
     * @param args  the command line
     * @param known the keys this application accepts
     * @return the values by key
     */
    public static Map<String, String> parse(String[] args, String... known) {
        Set<String> allowed = Set.of(known);
        Map<String, String> out = new HashMap<>();
        for (String a : args) {
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new IllegalArgumentException("argument '" + a + "' is not of the form --key=value; keys: " + allowed);
            }
            String key = a.substring(2, a.indexOf('='));
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key + "; expected one of " + allowed);
            }
            out.put(key, a.substring(a.indexOf('=') + 1));
        }
        return out;
    }
}
