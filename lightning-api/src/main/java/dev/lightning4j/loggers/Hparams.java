package dev.lightning4j.loggers;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Hyper-parameter trees: a snapshot in plain types, flattening for TensorBoard, and the
 * {@code hparams.yaml} text Lightning writes (PyYAML's block style with sorted keys).
 *
 * <p>After {@link #normalize} every value is null, a {@link Boolean}, {@link Long},
 * {@link BigInteger}, {@link Double}, {@link String}, an unmodifiable {@code List<Object>} or an
 * unmodifiable {@code Map<String, Object>} (insertion order kept).
 */
final class Hparams {
    private static final int MAX_DEPTH = 64;
    private static final Set<String> RESERVED = Set.of(
            "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "=", "<<", ".inf", "-.inf", "+.inf", ".nan");

    private Hparams() {}

    /** A deep snapshot of {@code params} in plain types; see the class comment. */
    static Map<String, Object> normalize(Map<String, ?> params) {
        if (params == null) {
            throw new NullPointerException("params must not be null");
        }
        return normalizeMap(params, "", 0);
    }

    private static Map<String, Object> normalizeMap(Map<?, ?> map, String path, int depth) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            out.put(key, normalizeValue(e.getValue(), path.isEmpty() ? key : path + "/" + key, depth + 1));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object normalizeValue(Object v, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("Hyper-parameter '" + path + "' nests more than " + MAX_DEPTH
                    + " levels deep (does it contain itself?)");
        }
        if (v == null || v instanceof Boolean || v instanceof String || v instanceof Long
                || v instanceof Double || v instanceof BigInteger) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float) {
            // 0.1f becomes 0.1, not 0.10000000149011612.
            return Double.parseDouble(v.toString());
        }
        if (v instanceof BigDecimal) {
            return ((BigDecimal) v).doubleValue();
        }
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof Enum) {
            return ((Enum<?>) v).name();
        }
        if (v instanceof CharSequence || v instanceof Character) {
            return v.toString();
        }
        if (v instanceof Optional) {
            return normalizeValue(((Optional<?>) v).orElse(null), path, depth);
        }
        if (v instanceof Map) {
            return normalizeMap((Map<?, ?>) v, path, depth);
        }
        if (v instanceof Iterable) {
            List<Object> out = new ArrayList<>();
            int i = 0;
            for (Object item : (Iterable<?>) v) {
                out.add(normalizeValue(item, path + "[" + i++ + "]", depth + 1));
            }
            return Collections.unmodifiableList(out);
        }
        if (v.getClass().isArray()) {
            int n = Array.getLength(v);
            List<Object> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(normalizeValue(Array.get(v, i), path + "[" + i + "]", depth + 1));
            }
            return Collections.unmodifiableList(out);
        }
        return v.toString();
    }

    /**
     * Nested maps flattened with {@code delimiter}, as Lightning's {@code _flatten_dict}:
     * {@code {"opt": {"lr": 0.1}}} becomes {@code {"opt/lr": 0.1}}. Takes a normalized tree.
     */
    static Map<String, Object> flatten(Map<String, Object> params, String delimiter) {
        Map<String, Object> out = new LinkedHashMap<>();
        flattenInto(out, "", params, delimiter);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void flattenInto(Map<String, Object> out, String prefix, Map<String, Object> map, String delimiter) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String key = prefix.isEmpty() ? e.getKey() : prefix + delimiter + e.getKey();
            if (e.getValue() instanceof Map && !((Map<?, ?>) e.getValue()).isEmpty()) {
                flattenInto(out, key, (Map<String, Object>) e.getValue(), delimiter);
            } else {
                out.put(key, e.getValue());
            }
        }
    }

    /** {@code hparams.yaml} text for a normalized tree, as PyYAML's {@code yaml.dump} writes it. */
    static String toYaml(Map<String, Object> params) {
        if (params.isEmpty()) {
            return "{}\n";
        }
        List<String> lines = new ArrayList<>();
        mappingLines(lines, params, 0);
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line).append('\n');
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static void mappingLines(List<String> lines, Map<String, Object> map, int indent) {
        String pad = " ".repeat(indent);
        for (Map.Entry<String, Object> e : new TreeMap<>(map).entrySet()) {
            String key = pad + scalar(e.getKey()) + ":";
            Object v = e.getValue();
            if (v instanceof Map && !((Map<?, ?>) v).isEmpty()) {
                lines.add(key);
                mappingLines(lines, (Map<String, Object>) v, indent + 2);
            } else if (v instanceof List && !((List<?>) v).isEmpty()) {
                lines.add(key);
                // PyYAML does not indent a block sequence under a mapping key.
                sequenceLines(lines, (List<Object>) v, indent);
            } else {
                lines.add(key + " " + inline(v));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void sequenceLines(List<String> lines, List<Object> list, int indent) {
        String pad = " ".repeat(indent);
        for (Object item : list) {
            boolean block = (item instanceof Map || item instanceof List) && !isEmptyCollection(item);
            if (!block) {
                lines.add(pad + "- " + inline(item));
                continue;
            }
            int first = lines.size();
            if (item instanceof Map) {
                mappingLines(lines, (Map<String, Object>) item, indent + 2);
            } else {
                sequenceLines(lines, (List<Object>) item, indent + 2);
            }
            // The first line of the nested block goes on the dash's line.
            lines.set(first, pad + "- " + lines.get(first).substring(indent + 2));
        }
    }

    private static boolean isEmptyCollection(Object v) {
        return (v instanceof Map && ((Map<?, ?>) v).isEmpty()) || (v instanceof List && ((List<?>) v).isEmpty());
    }

    private static String inline(Object v) {
        if (v instanceof Map) {
            return "{}";
        }
        if (v instanceof List) {
            return "[]";
        }
        return scalar(v);
    }

    /** One YAML scalar, quoted when a plain scalar would read back differently. */
    static String scalar(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Boolean) {
            return v.toString();
        }
        if (v instanceof Double) {
            double d = (Double) v;
            if (Double.isNaN(d)) {
                return ".nan";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? ".inf" : "-.inf";
            }
            String repr = PyFormat.floatRepr(d);
            // PyYAML's float representer: 1e-05 is written 1.0e-05 so that YAML 1.1 reads a float.
            return repr.indexOf('.') < 0 && repr.indexOf('e') >= 0 ? repr.replaceFirst("e", ".0e") : repr;
        }
        if (v instanceof Number) {
            return v.toString();
        }
        return string(v.toString());
    }

    private static String string(String s) {
        if (needsDoubleQuotes(s)) {
            return doubleQuoted(s);
        }
        if (isPlainSafe(s)) {
            return s;
        }
        return "'" + s.replace("'", "''") + "'";
    }

    private static boolean isPlainSafe(String s) {
        if (s.isEmpty() || RESERVED.contains(s.toLowerCase(java.util.Locale.ROOT))) {
            return false;
        }
        char first = s.charAt(0);
        char last = s.charAt(s.length() - 1);
        if (Character.isWhitespace(first) || Character.isWhitespace(last)) {
            return false;
        }
        if ("-?:,[]{}#&*!|>'\"%@`".indexOf(first) >= 0) {
            return false;
        }
        // Anything that may read back as a number, date or time.
        if (Character.isDigit(first)) {
            return false;
        }
        if (("+-.".indexOf(first) >= 0) && s.length() > 1 && (Character.isDigit(s.charAt(1)) || s.charAt(1) == '.')) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (":#,[]{}".indexOf(c) >= 0 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static boolean needsDoubleQuotes(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u0085' || c == '\u2028' || c == '\u2029' || c == '\ufeff'
                    || (c >= 0x80 && c < 0xa0) || Character.isSurrogate(c) && !validSurrogate(s, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static String doubleQuoted(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                case '\0':
                    out.append("\\0");
                    break;
                default:
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else if (c == '\u0085' || c == '\u2028' || c == '\u2029' || c == '\ufeff'
                            || (Character.isSurrogate(c) && !validSurrogate(s, i))) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        return out.append('"').toString();
    }
}
