package dev.lightning4j.checkpoint;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader and writer for checkpoint headers and {@code state.json}. Gson is available,
 * but a hand-written codec is used because checkpoints need three things it does not give directly:
 * numbers that keep their exact value (integers stay {@code long}, doubles print with
 * {@link Double#toString} which round-trips bit for bit), non-finite doubles written and read back
 * as the tokens Python's {@code json} module uses ({@code NaN}, {@code Infinity}, {@code -Infinity};
 * callbacks such as early stopping start from an infinite best score) while a quoted {@code "NaN"}
 * stays a string, and byte-for-byte the compact output of the reference safetensors writer
 * (serde_json: no spaces, non-ASCII as raw UTF-8, control characters as lowercase hex "u00xx" escapes).
 * Duplicate object keys are rejected rather than silently resolved.
 *
 * <p>Values are {@code Map<String,Object>} (insertion-ordered), {@code List<Object>}, {@code String},
 * {@code Boolean}, {@code null}, {@code Long}, {@code BigInteger} (integers beyond long) and
 * {@code Double}.
 */
final class Json {

    private Json() {
    }

    /** A syntax error, with the position and the path of the value being read. */
    static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String path;

        SyntaxException(String message, String path) {
            super(message);
            this.path = path;
        }

        /** The dotted path of the value where reading failed, or null at the top level. */
        String path() {
            return path;
        }
    }

    // ---------------------------------------------------------------- reading

    /** Parses one JSON value; surrounding whitespace is allowed, anything else after it is not. */
    static Object parse(String text, boolean allowNonFinite) throws SyntaxException {
        Parser p = new Parser(text, allowNonFinite);
        p.skipWhitespace();
        Object value = p.value(null);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("unexpected content after the JSON value", null);
        }
        return value;
    }

    private static final class Parser {
        private final String s;
        private final boolean allowNonFinite;
        private int pos;
        private int depth;

        Parser(String s, boolean allowNonFinite) {
            this.s = s;
            this.allowNonFinite = allowNonFinite;
        }

        Object value(String path) throws SyntaxException {
            if (pos >= s.length()) {
                throw error("unexpected end of JSON", path);
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{':
                    return object(path);
                case '[':
                    return array(path);
                case '"':
                    return string(path);
                case 't':
                    literal("true", path);
                    return Boolean.TRUE;
                case 'f':
                    literal("false", path);
                    return Boolean.FALSE;
                case 'n':
                    literal("null", path);
                    return null;
                case 'N':
                    nonFinite("NaN", path);
                    return Double.NaN;
                case 'I':
                    nonFinite("Infinity", path);
                    return Double.POSITIVE_INFINITY;
                default:
                    if (c == '-' && s.startsWith("-Infinity", pos)) {
                        nonFinite("-Infinity", path);
                        return Double.NEGATIVE_INFINITY;
                    }
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number(path);
                    }
                    throw error("unexpected character '" + c + "'", path);
            }
        }

        private Map<String, Object> object(String path) throws SyntaxException {
            enter(path);
            pos++;
            Map<String, Object> out = new LinkedHashMap<>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                depth--;
                return out;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("expected a quoted key", path);
                }
                String key = string(path);
                String childPath = path == null ? key : path + "." + key;
                if (out.containsKey(key)) {
                    throw error("duplicate key", childPath);
                }
                skipWhitespace();
                expect(':', childPath);
                skipWhitespace();
                out.put(key, value(childPath));
                skipWhitespace();
                char c = peek();
                pos++;
                if (c == '}') {
                    depth--;
                    return out;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'", path);
                }
            }
        }

        private List<Object> array(String path) throws SyntaxException {
            enter(path);
            pos++;
            List<Object> out = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                depth--;
                return out;
            }
            while (true) {
                skipWhitespace();
                out.add(value((path == null ? "" : path) + "[" + out.size() + "]"));
                skipWhitespace();
                char c = peek();
                pos++;
                if (c == ']') {
                    depth--;
                    return out;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']'", path);
                }
            }
        }

        private void enter(String path) throws SyntaxException {
            // Bounded nesting: a hostile header cannot overflow the stack.
            if (++depth > 512) {
                throw error("nesting deeper than 512 levels", path);
            }
        }

        private String string(String path) throws SyntaxException {
            pos++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("unterminated string", path);
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw error("unescaped control character in a string", path);
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    throw error("unterminated escape", path);
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u':
                        if (pos + 4 > s.length()) {
                            throw error("truncated \\u escape", path);
                        }
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = Character.digit(s.charAt(pos++), 16);
                            if (d < 0) {
                                throw error("bad \\u escape", path);
                            }
                            code = code * 16 + d;
                        }
                        sb.append((char) code);
                        break;
                    default:
                        throw error("bad escape '\\" + e + "'", path);
                }
            }
        }

        private Object number(String path) throws SyntaxException {
            int start = pos;
            boolean integral = true;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
            } else if (isDigit(peek())) {
                digits();
            } else {
                throw error("bad number", path);
            }
            if (peek() == '.') {
                integral = false;
                pos++;
                if (!isDigit(peek())) {
                    throw error("bad number: digits expected after '.'", path);
                }
                digits();
            }
            if (peek() == 'e' || peek() == 'E') {
                integral = false;
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!isDigit(peek())) {
                    throw error("bad number: digits expected in the exponent", path);
                }
                digits();
            }
            String text = s.substring(start, pos);
            if (integral) {
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException tooBig) {
                    return new BigInteger(text);
                }
            }
            // Double.parseDouble rounds correctly, so the shortest representation written by
            // Double.toString comes back as the very same bits.
            return Double.parseDouble(text);
        }

        private void digits() {
            while (isDigit(peek())) {
                pos++;
            }
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private void literal(String word, String path) throws SyntaxException {
            if (!s.startsWith(word, pos)) {
                throw error("unexpected token", path);
            }
            pos += word.length();
        }

        private void nonFinite(String word, String path) throws SyntaxException {
            if (!allowNonFinite) {
                throw error("non-finite number " + word + " is not allowed here", path);
            }
            literal(word, path);
        }

        private void expect(char c, String path) throws SyntaxException {
            if (peek() != c) {
                throw error("expected '" + c + "'", path);
            }
            pos++;
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        SyntaxException error(String message, String path) {
            int line = 1;
            int col = 1;
            for (int i = 0; i < Math.min(pos, s.length()); i++) {
                if (s.charAt(i) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            // At the end of the input the real cause is a cut-off document, whatever token was due.
            String why = pos >= s.length() && !message.startsWith("unexpected end")
                    ? "unexpected end of JSON (" + message + ")" : message;
            return new SyntaxException("invalid JSON at line " + line + " column " + col + ": " + why, path);
        }
    }

    // ---------------------------------------------------------------- writing

    /** Writes {@code value} compactly (as serde_json does) or indented by two spaces (as Python's json.dumps(indent=2)). */
    static String write(Object value, boolean pretty) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, pretty, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object value, boolean pretty, int indent) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof String str) {
            quote(sb, str);
        } else if (value instanceof Boolean b) {
            sb.append(b.booleanValue());
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d)) {
                sb.append("NaN");
            } else if (Double.isInfinite(d)) {
                sb.append(d > 0 ? "Infinity" : "-Infinity");
            } else {
                sb.append(Double.toString(d));
            }
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger || value instanceof BigDecimal) {
            sb.append(value);
        } else if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                newline(sb, pretty, indent + 1);
                quote(sb, (String) e.getKey());
                sb.append(pretty ? ": " : ":");
                write(sb, e.getValue(), pretty, indent + 1);
            }
            newline(sb, pretty, indent);
            sb.append('}');
        } else if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                newline(sb, pretty, indent + 1);
                write(sb, list.get(i), pretty, indent + 1);
            }
            newline(sb, pretty, indent);
            sb.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static void newline(StringBuilder sb, boolean pretty, int indent) {
        if (pretty) {
            sb.append('\n');
            for (int i = 0; i < indent; i++) {
                sb.append("  ");
            }
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Quotes a string with serde_json's escapes, so headers match the reference writer byte for byte. */
    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    // ---------------------------------------------------------------- normalising

    /**
     * A deep, unmodifiable copy of a JSON-compatible value in the form reading it back produces:
     * integral boxes widen to {@code Long}, {@code Float} widens exactly to {@code Double}, maps keep
     * their order. Normalising on the way in means a state compares equal to itself after a save and
     * load, and a callback sees the same types whether or not it was resumed.
     *
     * @throws IllegalArgumentException naming {@code path} for a value JSON cannot hold
     */
    static Object normalize(Object value, String path) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long
                || value instanceof Double || value instanceof BigInteger) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof BigDecimal bd) {
            // Stored as a double on reading; convert now so that the round trip is an identity.
            return bd.doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException(path + ": map key " + e.getKey()
                            + " is not a String; JSON objects have string keys");
                }
                out.put(key, normalize(e.getValue(), path + "." + key));
            }
            return Collections.unmodifiableMap(out);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(normalize(list.get(i), path + "[" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        if (value instanceof long[] a) {
            List<Object> out = new ArrayList<>(a.length);
            for (long v : a) {
                out.add(v);
            }
            return Collections.unmodifiableList(out);
        }
        if (value instanceof double[] a) {
            List<Object> out = new ArrayList<>(a.length);
            for (double v : a) {
                out.add(v);
            }
            return Collections.unmodifiableList(out);
        }
        if (value instanceof int[] a) {
            List<Object> out = new ArrayList<>(a.length);
            for (int v : a) {
                out.add((long) v);
            }
            return Collections.unmodifiableList(out);
        }
        throw new IllegalArgumentException(path + ": a " + value.getClass().getName()
                + " cannot be stored in a checkpoint; use String, Boolean, Long, Double, List or Map<String, ?>");
    }

    /** {@link #normalize} for a map, typed. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> normalizeMap(Map<String, ?> map, String path) {
        return (Map<String, Object>) normalize(map, path);
    }
}
