package dev.lightning4j.cli;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Key spelling helpers: configuration keys are snake_case (as LightningCLI's), Java names are
 * camelCase, and a misspelled key is answered with the closest valid one.
 */
public final class Names {
    private Names() {
    }

    /** {@code learningRate} to {@code learning_rate}; {@code FEATURES} stays {@code features}. */
    public static String snake(String camel) {
        if (camel.equals(camel.toUpperCase(Locale.ROOT))) {
            return camel.toLowerCase(Locale.ROOT);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                // An acronym run ("HTTPServer") splits before its last capital only.
                boolean prevLower = i > 0 && !Character.isUpperCase(camel.charAt(i - 1)) && camel.charAt(i - 1) != '_';
                boolean nextLower = i + 1 < camel.length() && Character.isLowerCase(camel.charAt(i + 1));
                boolean prevUpper = i > 0 && Character.isUpperCase(camel.charAt(i - 1));
                if (i > 0 && (prevLower || (prevUpper && nextLower))) {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code learning_rate} to {@code learningRate}. */
    public static String camel(String snake) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                upper = out.length() > 0;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    /** True when configuration key {@code key} (snake or camel case) names Java member {@code javaName}. */
    public static boolean matches(String key, String javaName) {
        return key.equals(javaName) || camel(key).equals(javaName) || snake(javaName).equals(key);
    }

    /** The Levenshtein edit distance between two strings. */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * The candidate closest to {@code key}, if it is close enough to be a plausible misspelling:
     * within a third of the key's length (at least 2 edits), or a prefix/extension of it.
     */
    public static Optional<String> closest(String key, Collection<String> candidates) {
        String best = null;
        int bestDist = Integer.MAX_VALUE;
        String k = key.toLowerCase(Locale.ROOT);
        for (String c : candidates) {
            int d = distance(k, c.toLowerCase(Locale.ROOT));
            if (d < bestDist) {
                best = c;
                bestDist = d;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        int limit = Math.max(2, key.length() / 3);
        String b = best.toLowerCase(Locale.ROOT);
        return bestDist <= limit || b.startsWith(k) || k.startsWith(b) ? Optional.of(best) : Optional.empty();
    }

    /** {@code "; did you mean PREFIX.best?"} when a close candidate exists, else the empty string. */
    public static String didYouMean(String key, Collection<String> candidates, String prefix) {
        return closest(key, candidates).map(c -> "; did you mean " + prefix + c + "?").orElse("");
    }
}
