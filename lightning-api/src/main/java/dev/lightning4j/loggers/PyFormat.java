package dev.lightning4j.loggers;

import java.util.List;
import java.util.Map;

/** Number and value text as Python prints them, so files match what Lightning writes. */
final class PyFormat {
    private PyFormat() {}

    /** Python's {@code repr(float)}: {@code 0.5}, {@code 1.0}, {@code 1e-05}, {@code nan}, {@code -inf}. */
    static String floatRepr(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0.0) {
            return (1.0 / v) < 0 ? "-0.0" : "0.0";
        }
        String sign = v < 0 ? "-" : "";
        Digits d = Digits.of(Math.abs(v));
        String digits = d.digits();
        int point = d.point();
        StringBuilder out = new StringBuilder(sign);
        if (point > -4 && point <= 16) {
            if (point <= 0) {
                out.append("0.").append("0".repeat(-point)).append(digits);
            } else if (point >= digits.length()) {
                out.append(digits).append("0".repeat(point - digits.length())).append(".0");
            } else {
                out.append(digits, 0, point).append('.').append(digits, point, digits.length());
            }
        } else {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            int exponent = point - 1;
            out.append(exponent < 0 ? "e-" : "e+");
            int abs = Math.abs(exponent);
            out.append(abs < 10 ? "0" : "").append(abs);
        }
        return out.toString();
    }

    /** A positive finite double as {@code 0.<digits> * 10^point}, without leading or trailing zeros. */
    record Digits(String digits, int point) {
        /**
         * The digits of {@code Double.toString(v)}, parsed by hand rather than through BigDecimal:
         * this runs for every logged value, mostly in rarely run code, and compiling BigDecimal's
         * parser cost the JIT ~0.2 s of CPU mid-training.
         */
        static Digits of(double v) {
            String text = Double.toString(v);
            int e = text.indexOf('E');
            int end = e < 0 ? text.length() : e;
            int dot = text.indexOf('.');
            StringBuilder all = new StringBuilder(end).append(text, 0, dot).append(text, dot + 1, end);
            int point = dot + (e < 0 ? 0 : Integer.parseInt(text, e + 1, text.length(), 10));
            int first = 0;
            while (first < all.length() - 1 && all.charAt(first) == '0') {
                first++;
            }
            int last = all.length();
            while (last > first + 1 && all.charAt(last - 1) == '0') {
                last--;
            }
            return new Digits(all.substring(first, last), point - first);
        }
    }

    /**
     * Python's {@code str()} of a normalized hyper-parameter value (see {@link Hparams#normalize}):
     * {@code None}, {@code True}, {@code [1, 'a']}, {@code {'k': 0.5}}.
     */
    static String str(Object value) {
        if (value instanceof String) {
            return (String) value;
        }
        StringBuilder out = new StringBuilder();
        appendRepr(out, value);
        return out.toString();
    }

    private static void appendRepr(StringBuilder out, Object value) {
        if (value == null) {
            out.append("None");
        } else if (value instanceof Boolean) {
            out.append((Boolean) value ? "True" : "False");
        } else if (value instanceof Double) {
            out.append(floatRepr((Double) value));
        } else if (value instanceof String) {
            appendQuoted(out, (String) value);
        } else if (value instanceof List) {
            out.append('[');
            String sep = "";
            for (Object item : (List<?>) value) {
                out.append(sep);
                appendRepr(out, item);
                sep = ", ";
            }
            out.append(']');
        } else if (value instanceof Map) {
            out.append('{');
            String sep = "";
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                out.append(sep);
                appendRepr(out, e.getKey());
                out.append(": ");
                appendRepr(out, e.getValue());
                sep = ", ";
            }
            out.append('}');
        } else {
            out.append(value);
        }
    }

    private static void appendQuoted(StringBuilder out, String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        out.append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == quote || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append(quote);
    }
}
