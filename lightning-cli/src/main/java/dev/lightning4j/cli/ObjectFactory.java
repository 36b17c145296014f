package dev.lightning4j.cli;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns configuration values into Java objects, LightningCLI style, in two phases so that every
 * mistake is reported before anything is built (let alone trained): {@link #plan} checks a value
 * against the type it must become and returns a {@link Node}; {@link Node#build} makes the object.
 *
 * <p>An object is configured as {@code {class_path: a.b.C, init_args: {name: value, ...}}}. The
 * public constructor whose parameter names (real names: the project compiles with
 * {@code -parameters}) are all among the {@code init_args} is called, the one with the most
 * parameters when several fit; Java has no default arguments, so every parameter must be given
 * unless an overload without it exists. Keys may be snake_case ({@code learning_rate}) or the
 * Java name ({@code learningRate}). Keys that are not constructor parameters go to public
 * one-argument fluent setters of that name ({@code EarlyStopping.patience(int)}), as builder-style
 * classes in this project take their options.
 *
 * <p>A type that YAML cannot spell and that has no suitable constructor is built by a public
 * static factory method: {@code {factory: read, init_args: {csv: data/weather.csv}}} calls
 * {@code T.read(Path csv)} on the parameter's type {@code T} (or on {@code class_path}).
 *
 * <p>A scalar {@code ${data.name}} in the model's arguments is a link, resolved when the model is
 * built: the data module's public no-argument method {@code name()} (camelCase of the key) or
 * public field {@code name}/{@code NAME}, read after {@code setup("fit")}, as LightningCLI's
 * {@code link_arguments(..., apply_on="instantiate")}.
 */
public final class ObjectFactory {
    private static final Pattern LINK = Pattern.compile("\\$\\{\\s*data\\.([A-Za-z_][A-Za-z0-9_]*)\\s*}");
    private static final Set<String> SPEC_KEYS = Set.of("class_path", "init_args", "factory");

    /** A validated value, ready to be built. */
    public interface Node {
        /** Builds the value; {@code data} is the built data module, for links (may be null when there are none). */
        Object build(Object data);

        /** The canonical configuration value (snake_case keys, full class names), for printing and saving. */
        Object config();

        /** True when building needs the data module already set up (an instance-member link). */
        default boolean needsData() {
            return false;
        }
    }

    /** A link's source class; null where links are not allowed. */
    private final Class<?> linkSource;

    /** A factory; {@code linkSource} is the data module class that {@code ${data.x}} links read from, or null. */
    public ObjectFactory(Class<?> linkSource) {
        this.linkSource = linkSource;
    }

    /**
     * Plans an object of type {@code base} from {@code spec}: {@code {class_path, init_args}} or
     * {@code {factory, init_args}}. {@code packages} are tried for a class name without a package.
     */
    public Node planObject(String path, Object spec, Class<?> base, List<String> packages) {
        if (spec instanceof String s) {
            // "class_path only" shorthand: model: my.pkg.Model
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class_path", s);
            spec = m;
        }
        if (!(spec instanceof Map<?, ?> raw)) {
            throw new CliException(path + ": expected {class_path: ..., init_args: {...}} for a " + base.getSimpleName()
                    + ", got " + Configs.describe(spec));
        }
        Map<String, Object> map = Configs.asStringMap(raw);
        for (String k : map.keySet()) {
            if (!SPEC_KEYS.contains(k)) {
                throw new CliException(path + "." + k + ": unknown key; expected class_path, init_args or factory"
                        + Names.didYouMean(k, SPEC_KEYS, path + "."));
            }
        }
        Object cp = map.get("class_path");
        Class<?> cls;
        if (cp == null) {
            if (map.get("factory") == null) {
                throw new CliException(path + ".class_path: missing; name the " + base.getSimpleName()
                        + " class to build, e.g. " + path + ".class_path: my.package.My" + base.getSimpleName());
            }
            cls = base;
        } else {
            if (!(cp instanceof String name) || name.isBlank()) {
                throw new CliException(path + ".class_path: expected a class name, got " + Configs.describe(cp));
            }
            cls = loadClass(path + ".class_path", name.strip(), packages);
        }
        if (!base.isAssignableFrom(cls)) {
            throw new CliException(path + ".class_path: " + cls.getName() + " is not a " + base.getName()
                    + " (it extends " + (cls.getSuperclass() == null ? "nothing" : cls.getSuperclass().getName()) + ")");
        }
        Object ia = map.get("init_args");
        if (ia != null && !(ia instanceof Map<?, ?>)) {
            throw new CliException(path + ".init_args: expected a mapping of argument names to values, got "
                    + Configs.describe(ia));
        }
        Map<String, Object> args = normalized(ia == null ? Map.of() : Configs.asStringMap((Map<?, ?>) ia));
        Object factory = map.get("factory");
        if (factory != null) {
            if (!(factory instanceof String fname) || fname.isBlank()) {
                throw new CliException(path + ".factory: expected the name of a public static method, got "
                        + Configs.describe(factory));
            }
            return planFactory(path, cls, base, fname, args);
        }
        if (cls.isInterface() || Modifier.isAbstract(cls.getModifiers())) {
            throw new CliException(path + ".class_path: " + cls.getName() + " is abstract; name a concrete subclass");
        }
        List<Executable> ctors = Arrays.stream(cls.getConstructors()).map(c -> (Executable) c).toList();
        if (ctors.isEmpty()) {
            throw new CliException(path + ".class_path: " + cls.getName() + " has no public constructor; "
                    + "use factory: <public static method> instead");
        }
        return planCall(path, cls, ctors, args, base);
    }

    /**
     * The arguments under their snake_case names; when a file says {@code learning_rate} and an
     * override {@code learningRate}, the later one wins, as for any other key.
     */
    private static Map<String, Object> normalized(Map<String, Object> args) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : args.entrySet()) {
            String key = Names.snake(e.getKey());
            out.remove(key);
            out.put(key, e.getValue());
        }
        return out;
    }

    private Node planFactory(String path, Class<?> cls, Class<?> base, String name, Map<String, Object> args) {
        List<Executable> methods = Arrays.stream(cls.getMethods())
                .filter(m -> Modifier.isStatic(m.getModifiers()) && base.isAssignableFrom(m.getReturnType()))
                .filter(m -> m.getName().equals(name))
                .map(m -> (Executable) m).toList();
        if (methods.isEmpty()) {
            Set<String> names = Arrays.stream(cls.getMethods())
                    .filter(m -> Modifier.isStatic(m.getModifiers()) && base.isAssignableFrom(m.getReturnType()))
                    .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
            throw new CliException(path + ".factory: " + cls.getName() + " has no public static method '" + name
                    + "' returning " + base.getSimpleName() + Names.didYouMean(name, names, "")
                    + (names.isEmpty() ? "" : " (factories: " + String.join(", ", names) + ")"));
        }
        Node call = planCall(path, cls, methods, args, base);
        return new Node() {
            @Override public Object build(Object data) {
                return call.build(data);
            }

            @Override public Object config() {
                @SuppressWarnings("unchecked")
                Map<String, Object> c = new LinkedHashMap<>((Map<String, Object>) call.config());
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("class_path", cls.getName());
                out.put("factory", name);
                Object args = c.get("init_args");
                if (args instanceof Map<?, ?> m && !m.isEmpty()) {
                    out.put("init_args", args);
                }
                return out;
            }

            @Override public boolean needsData() {
                return call.needsData();
            }
        };
    }

    /** Chooses the constructor or factory whose parameter names match {@code args} and plans its arguments. */
    private Node planCall(String path, Class<?> cls, List<Executable> executables, Map<String, Object> args, Class<?> base) {
        String argsPath = path + ".init_args";
        for (Executable e : executables) {
            if (e.getParameterCount() > 0 && !e.getParameters()[0].isNamePresent()) {
                throw new CliException(path + ".class_path: " + cls.getName() + " was compiled without -parameters, so its "
                        + "constructor parameter names are unknown; compile it with javac -parameters "
                        + "(maven-compiler-plugin <parameters>true</parameters>)");
            }
        }
        Map<String, Method> setters = setters(cls);
        // Every key must be some parameter or setter: report misspellings first, they are the likely mistake.
        Set<String> known = new LinkedHashSet<>();
        for (Executable e : executables) {
            for (Parameter p : e.getParameters()) {
                known.add(Names.snake(p.getName()));
            }
        }
        setters.keySet().forEach(s -> known.add(Names.snake(s)));
        for (String key : args.keySet()) {
            if (known.stream().noneMatch(k -> Names.matches(key, Names.camel(k)) || Names.matches(key, k))) {
                throw new CliException(argsPath + "." + key + ": unknown argument of " + signatures(cls, executables)
                        + Names.didYouMean(key, known, argsPath + "."));
            }
        }
        List<Executable> fitting = executables.stream()
                .filter(e -> Arrays.stream(e.getParameters()).allMatch(p -> keyFor(args, p.getName()) != null))
                .sorted((a, b) -> Integer.compare(b.getParameterCount(), a.getParameterCount()))
                .toList();
        if (fitting.isEmpty()) {
            Executable nearest = executables.stream()
                    .min((a, b) -> Integer.compare(missing(a, args).size(), missing(b, args).size())).orElseThrow();
            List<String> miss = missing(nearest, args);
            throw new CliException(argsPath + ": missing " + (miss.size() == 1 ? "value" : "values") + " for "
                    + miss.stream().map(m -> argsPath + "." + m).collect(Collectors.joining(", "))
                    + " (" + describe(cls, nearest) + " has no default values"
                    + (executables.size() > 1 ? "; the choices are " + signatures(cls, executables) : "") + ")");
        }
        CliException firstError = null;
        for (Executable e : fitting) {
            try {
                return planWith(argsPath, cls, e, args, setters, base);
            } catch (CliException ex) {
                if (firstError == null) {
                    firstError = ex;
                }
            }
        }
        throw firstError;
    }

    private Node planWith(String argsPath, Class<?> cls, Executable exec, Map<String, Object> args,
                          Map<String, Method> setters, Class<?> base) {
        Parameter[] params = exec.getParameters();
        List<Node> argNodes = new ArrayList<>();
        Map<String, Object> canonical = new LinkedHashMap<>();
        Set<String> used = new LinkedHashSet<>();
        for (Parameter p : params) {
            String key = keyFor(args, p.getName());
            used.add(key);
            Node n = plan(argsPath + "." + Names.snake(p.getName()), args.get(key), p.getParameterizedType());
            argNodes.add(n);
            canonical.put(Names.snake(p.getName()), n.config());
        }
        List<Map.Entry<Method, Node>> setterNodes = new ArrayList<>();
        for (Map.Entry<String, Object> e : args.entrySet()) {
            if (used.contains(e.getKey())) {
                continue;
            }
            String key = e.getKey();
            List<Method> candidates = Arrays.stream(cls.getMethods())
                    .filter(m -> isSetter(cls, m) && Names.matches(key, m.getName())).toList();
            if (candidates.isEmpty()) {
                throw new CliException(argsPath + "." + key + ": " + describe(cls, exec)
                        + " has no such parameter and " + cls.getSimpleName() + " has no setter " + Names.camel(key) + "(...)"
                        + Names.didYouMean(key, setters.keySet().stream().map(Names::snake).toList(), argsPath + "."));
            }
            Node n = null;
            Method chosen = null;
            CliException err = null;
            for (Method m : preferByValue(candidates, e.getValue())) {
                try {
                    n = plan(argsPath + "." + Names.snake(m.getName()), e.getValue(), m.getGenericParameterTypes()[0]);
                    chosen = m;
                    break;
                } catch (CliException ex) {
                    err = err == null ? ex : err;
                }
            }
            if (chosen == null) {
                throw err;
            }
            setterNodes.add(Map.entry(chosen, n));
            canonical.put(Names.snake(chosen.getName()), n.config());
        }
        boolean needsData = argNodes.stream().anyMatch(Node::needsData)
                || setterNodes.stream().anyMatch(s -> s.getValue().needsData());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("class_path", cls.getName());
        config.put("init_args", canonical);
        return new Node() {
            @Override public Object build(Object data) {
                Object[] values = new Object[argNodes.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = argNodes.get(i).build(data);
                }
                Object obj = invoke(exec, values, cls, argsPath);
                for (Map.Entry<Method, Node> s : setterNodes) {
                    invokeSetter(s.getKey(), obj, s.getValue().build(data));
                }
                return obj;
            }

            @Override public Object config() {
                return config;
            }

            @Override public boolean needsData() {
                return needsData;
            }
        };
    }

    /** Plans a value of Java type {@code type} from a configuration value. */
    public Node plan(String path, Object value, Type type) {
        Class<?> raw = rawClass(type);
        if (value instanceof String s) {
            Matcher link = LINK.matcher(s.strip());
            if (link.matches()) {
                return planLink(path, s.strip(), link.group(1), type);
            }
        }
        if (value == null) {
            if (raw.isPrimitive()) {
                throw new CliException(path + ": expected " + typeName(type) + ", got null");
            }
            return constant(null, null);
        }
        if (raw == Object.class) {
            return constant(value, value);
        }
        if (raw == int.class || raw == Integer.class) {
            long v = integer(path, value, type);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new CliException(path + ": " + v + " does not fit in an int");
            }
            return constant((int) v, (int) v);
        }
        if (raw == long.class || raw == Long.class) {
            long v = integer(path, value, type);
            return constant(v, v);
        }
        if (raw == short.class || raw == Short.class) {
            long v = integer(path, value, type);
            return constant((short) v, (short) v);
        }
        if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
            double v = floating(path, value, type);
            return raw == float.class || raw == Float.class ? constant((float) v, v) : constant(v, v);
        }
        if (raw == boolean.class || raw == Boolean.class) {
            if (value instanceof Boolean b) {
                return constant(b, b);
            }
            throw mismatch(path, type, value);
        }
        if (raw == String.class || raw == CharSequence.class) {
            if (value instanceof Map<?, ?> || value instanceof List<?>) {
                throw mismatch(path, type, value);
            }
            return constant(value.toString(), value.toString());
        }
        if (raw == Path.class) {
            if (!(value instanceof String s)) {
                throw mismatch(path, type, value);
            }
            return constant(Path.of(s), s);
        }
        if (raw == Duration.class) {
            Duration d = duration(path, value);
            return constant(d, value);
        }
        if (raw.isEnum()) {
            return planEnum(path, value, raw);
        }
        if (raw.isArray() || Collection.class.isAssignableFrom(raw) || raw == Iterable.class) {
            return planCollection(path, value, type, raw);
        }
        if (Map.class.isAssignableFrom(raw)) {
            if (!(value instanceof Map<?, ?> m)) {
                throw mismatch(path, type, value);
            }
            Type vt = typeArg(type, 1);
            Map<String, Node> nodes = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                nodes.put(String.valueOf(e.getKey()), plan(path + "." + e.getKey(), e.getValue(), vt));
            }
            Map<String, Object> cfg = new LinkedHashMap<>();
            nodes.forEach((k, n) -> cfg.put(k, n.config()));
            return new Composite(cfg, nodes.values(), d -> {
                Map<String, Object> out = new LinkedHashMap<>();
                nodes.forEach((k, n) -> out.put(k, n.build(d)));
                return out;
            });
        }
        if (value instanceof Map<?, ?>) {
            return planObject(path, value, raw, List.of());
        }
        throw new CliException(path + ": expected " + typeName(type) + ", which is configured as {class_path: ..., init_args: {...}}"
                + " or {factory: <static method of " + raw.getSimpleName() + ">, init_args: {...}}, got " + Configs.describe(value));
    }

    private Node planEnum(String path, Object value, Class<?> raw) {
        Object[] constants = raw.getEnumConstants();
        List<String> names = Arrays.stream(constants).map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT)).toList();
        if (value instanceof String s) {
            String want = s.strip().replace('-', '_');
            for (Object c : constants) {
                if (((Enum<?>) c).name().equalsIgnoreCase(want)) {
                    return constant(c, ((Enum<?>) c).name().toLowerCase(Locale.ROOT));
                }
            }
            throw new CliException(path + ": '" + s + "' is not one of " + String.join(", ", names)
                    + Names.closest(s, names).map(c -> "; did you mean " + c + "?").orElse(""));
        }
        throw new CliException(path + ": expected one of " + String.join(", ", names) + ", got " + Configs.describe(value));
    }

    private Node planCollection(String path, Object value, Type type, Class<?> raw) {
        if (!(value instanceof List<?> list)) {
            throw mismatch(path, type, value);
        }
        Type et = raw.isArray() ? componentType(type) : typeArg(type, 0);
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            nodes.add(plan(path + "[" + i + "]", list.get(i), et));
        }
        List<Object> cfg = nodes.stream().map(Node::config).collect(Collectors.toList());
        Class<?> erc = rawClass(et);
        return new Composite(cfg, nodes, d -> {
            if (raw.isArray()) {
                Object arr = Array.newInstance(erc, nodes.size());
                for (int i = 0; i < nodes.size(); i++) {
                    Array.set(arr, i, nodes.get(i).build(d));
                }
                return arr;
            }
            Collection<Object> out = Set.class.isAssignableFrom(raw) ? new LinkedHashSet<>() : new ArrayList<>();
            nodes.forEach(n -> out.add(n.build(d)));
            return out;
        });
    }

    private Node planLink(String path, String text, String name, Type type) {
        if (linkSource == null) {
            throw new CliException(path + ": links such as " + text + " are only allowed in model.init_args (they read the data module)");
        }
        Member member = linkMember(linkSource, name);
        if (member == null) {
            Set<String> names = new TreeSet<>();
            for (Method m : linkSource.getMethods()) {
                if (m.getParameterCount() == 0 && m.getReturnType() != void.class && m.getDeclaringClass() != Object.class) {
                    names.add(Names.snake(m.getName()));
                }
            }
            for (Field f : linkSource.getFields()) {
                names.add(Names.snake(f.getName()));
            }
            throw new CliException(path + ": " + text + " links to data." + name + ", but " + linkSource.getName()
                    + " has no public no-argument method or field of that name" + Names.didYouMean(name, names, "data."));
        }
        Class<?> source = member instanceof Method m ? m.getReturnType() : ((Field) member).getType();
        Class<?> target = rawClass(type);
        if (!compatible(source, target)) {
            throw new CliException(path + ": " + text + " gives " + source.getSimpleName() + " but " + typeName(type) + " is expected");
        }
        boolean isStatic = Modifier.isStatic(member.getModifiers());
        return new Node() {
            @Override public Object build(Object data) {
                Object v;
                try {
                    v = member instanceof Method m ? m.invoke(isStatic ? null : data) : ((Field) member).get(isStatic ? null : data);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                } catch (InvocationTargetException e) {
                    throw rethrow(e);
                }
                if (v instanceof Number n && !target.isInstance(v)) {
                    if (target == int.class || target == Integer.class) {
                        return n.intValue();
                    }
                    if (target == long.class || target == Long.class) {
                        return n.longValue();
                    }
                    if (target == float.class || target == Float.class) {
                        return n.floatValue();
                    }
                    if (target == double.class || target == Double.class) {
                        return n.doubleValue();
                    }
                }
                return v;
            }

            @Override public Object config() {
                return text;
            }

            @Override public boolean needsData() {
                return !isStatic;
            }
        };
    }

    private static Member linkMember(Class<?> cls, String name) {
        for (Method m : cls.getMethods()) {
            if (m.getParameterCount() == 0 && m.getReturnType() != void.class && m.getDeclaringClass() != Object.class
                    && Names.matches(name, m.getName())) {
                return m;
            }
        }
        for (Field f : cls.getFields()) {
            if (Names.matches(name, f.getName()) || f.getName().equals(name.toUpperCase(Locale.ROOT))) {
                return f;
            }
        }
        return null;
    }

    private static boolean compatible(Class<?> source, Class<?> target) {
        Class<?> s = box(source);
        Class<?> t = box(target);
        if (t.isAssignableFrom(s)) {
            return true;
        }
        boolean sNum = Number.class.isAssignableFrom(s);
        boolean sIntegral = s == Integer.class || s == Long.class || s == Short.class;
        if (t == Double.class || t == Float.class) {
            return sNum;
        }
        if (t == Integer.class || t == Long.class) {
            return sIntegral;
        }
        return false;
    }

    private static Class<?> box(Class<?> c) {
        if (!c.isPrimitive()) {
            return c;
        }
        return switch (c.getName()) {
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "double" -> Double.class;
            case "float" -> Float.class;
            case "boolean" -> Boolean.class;
            case "short" -> Short.class;
            case "byte" -> Byte.class;
            case "char" -> Character.class;
            default -> Void.class;
        };
    }

    private static long integer(String path, Object value, Type type) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            return ((Number) value).longValue();
        }
        if (value instanceof java.math.BigInteger b) {
            throw new CliException(path + ": " + b + " is too large for " + typeName(type));
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s.strip().replace("_", ""));
            } catch (NumberFormatException e) {
                throw mismatch(path, type, value);
            }
        }
        throw mismatch(path, type, value);
    }

    private static double floating(String path, Object value, Type type) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            // YAML 1.1 reads 1e-3 (no dot) as a string; accept any Java-parsable number.
            try {
                return Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                throw mismatch(path, type, value);
            }
        }
        throw mismatch(path, type, value);
    }

    /**
     * Lightning's {@code max_time} spellings: {@code "DD:HH:MM:SS"}, an ISO-8601 duration
     * ({@code PT30M}), or a number of seconds.
     */
    static Duration duration(String path, Object value) {
        if (value instanceof Number n) {
            return Duration.ofMillis(Math.round(n.doubleValue() * 1000));
        }
        if (value instanceof Map<?, ?> m) {
            Duration d = Duration.ZERO;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                long v = integer(path + "." + e.getKey(), e.getValue(), long.class);
                switch (String.valueOf(e.getKey())) {
                    case "days" -> d = d.plusDays(v);
                    case "hours" -> d = d.plusHours(v);
                    case "minutes" -> d = d.plusMinutes(v);
                    case "seconds" -> d = d.plusSeconds(v);
                    default -> throw new CliException(path + "." + e.getKey() + ": unknown unit; expected days, hours, minutes or seconds"
                            + Names.didYouMean(String.valueOf(e.getKey()), List.of("days", "hours", "minutes", "seconds"), path + "."));
                }
            }
            return d;
        }
        if (value instanceof String s) {
            String t = s.strip();
            String[] parts = t.split(":");
            try {
                if (parts.length == 4) {
                    return Duration.ofDays(Long.parseLong(parts[0])).plusHours(Long.parseLong(parts[1]))
                            .plusMinutes(Long.parseLong(parts[2])).plusSeconds(Long.parseLong(parts[3]));
                }
                return Duration.parse(t);
            } catch (RuntimeException e) {
                // fall through to the message below
            }
        }
        throw new CliException(path + ": expected a duration such as \"00:12:00:00\" (DD:HH:MM:SS), PT30M, "
                + "{hours: 2} or seconds, got " + Configs.describe(value));
    }

    private static CliException mismatch(String path, Type type, Object value) {
        return new CliException(path + ": expected " + typeName(type) + ", got " + Configs.describe(value));
    }

    /** A human name of a Java type as configuration sees it. */
    static String typeName(Type type) {
        Class<?> raw = rawClass(type);
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class || raw == short.class
                || raw == Short.class) {
            return "an integer (" + primitiveName(raw) + ")";
        }
        if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
            return "a number (" + primitiveName(raw) + ")";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "a boolean (true or false)";
        }
        if (raw == String.class) {
            return "a string";
        }
        if (raw == Path.class) {
            return "a path (string)";
        }
        if (raw.isEnum()) {
            return "one of " + Arrays.stream(raw.getEnumConstants()).map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
        }
        if (raw.isArray() || Collection.class.isAssignableFrom(raw)) {
            Type et = raw.isArray() ? componentType(type) : typeArg(type, 0);
            return "a list of " + simple(et);
        }
        if (Map.class.isAssignableFrom(raw)) {
            return "a mapping";
        }
        return "a " + raw.getSimpleName();
    }

    private static String primitiveName(Class<?> c) {
        return c.isPrimitive() ? c.getName() : c == Integer.class ? "int" : c.getSimpleName().toLowerCase(Locale.ROOT);
    }

    private static String simple(Type t) {
        Class<?> c = rawClass(t);
        return c == Object.class ? "values" : c.getSimpleName().toLowerCase(Locale.ROOT) + "s";
    }

    static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return rawClass(p.getRawType());
        }
        if (type instanceof GenericArrayType g) {
            return Array.newInstance(rawClass(g.getGenericComponentType()), 0).getClass();
        }
        if (type instanceof WildcardType w) {
            return rawClass(w.getUpperBounds()[0]);
        }
        return Object.class;
    }

    private static Type typeArg(Type type, int i) {
        if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > i) {
            return p.getActualTypeArguments()[i];
        }
        return Object.class;
    }

    private static Type componentType(Type type) {
        if (type instanceof GenericArrayType g) {
            return g.getGenericComponentType();
        }
        return rawClass(type).getComponentType();
    }

    /** Loads a class by name, trying {@code packages} for a short name. */
    static Class<?> loadClass(String path, String name, List<String> packages) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        List<String> tried = new ArrayList<>();
        tried.add(name);
        if (!name.contains(".")) {
            packages.forEach(p -> tried.add(p + "." + name));
        }
        for (String n : tried) {
            try {
                return Class.forName(n, false, cl);
            } catch (ClassNotFoundException | LinkageError e) {
                // try the next spelling
            }
        }
        throw new CliException(path + ": class " + name + " not found on the classpath"
                + (tried.size() > 1 ? " (tried " + String.join(", ", tried) + ")" : ""));
    }

    private static Map<String, Method> setters(Class<?> cls) {
        Map<String, Method> out = new LinkedHashMap<>();
        for (Method m : cls.getMethods()) {
            if (isSetter(cls, m)) {
                out.putIfAbsent(m.getName(), m);
            }
        }
        return out;
    }

    /** A public one-argument instance method returning the object itself (fluent) or a void {@code setX}. */
    private static boolean isSetter(Class<?> cls, Method m) {
        if (Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 1 || m.getDeclaringClass() == Object.class) {
            return false;
        }
        boolean fluent = m.getReturnType() != void.class && m.getReturnType().isAssignableFrom(cls)
                && m.getReturnType() != Object.class;
        boolean bean = m.getReturnType() == void.class && m.getName().startsWith("set") && m.getName().length() > 3;
        return fluent || bean;
    }

    /** Overloads in the order most likely to fit the value (an int literal tries an int overload first). */
    private static List<Method> preferByValue(List<Method> methods, Object value) {
        List<Method> out = new ArrayList<>(methods);
        boolean integral = value instanceof Integer || value instanceof Long;
        out.sort((a, b) -> Boolean.compare(!isIntegral(a), !isIntegral(b)) * (integral ? 1 : -1));
        return out;
    }

    private static boolean isIntegral(Method m) {
        Class<?> t = m.getParameterTypes()[0];
        return t == int.class || t == long.class || t == Integer.class || t == Long.class;
    }

    private static String keyFor(Map<String, Object> args, String javaName) {
        for (String k : args.keySet()) {
            if (Names.matches(k, javaName)) {
                return k;
            }
        }
        return null;
    }

    private static List<String> missing(Executable e, Map<String, Object> args) {
        return Arrays.stream(e.getParameters()).filter(p -> keyFor(args, p.getName()) == null)
                .map(p -> Names.snake(p.getName())).toList();
    }

    private static String describe(Class<?> cls, Executable e) {
        String params = Arrays.stream(e.getParameters())
                .map(p -> Names.snake(p.getName()) + ": " + p.getType().getSimpleName())
                .collect(Collectors.joining(", "));
        return (e instanceof Constructor<?> ? cls.getSimpleName() : cls.getSimpleName() + "." + e.getName()) + "(" + params + ")";
    }

    private static String signatures(Class<?> cls, List<Executable> executables) {
        return executables.stream().map(e -> describe(cls, e)).collect(Collectors.joining(" or "));
    }

    private static Object invoke(Executable exec, Object[] values, Class<?> cls, String path) {
        try {
            if (exec instanceof Constructor<?> c) {
                return c.newInstance(values);
            }
            return ((Method) exec).invoke(null, values);
        } catch (InvocationTargetException e) {
            RuntimeException r = rethrow(e);
            throw r instanceof CliException ? new CliException(path + ": " + cls.getSimpleName() + " rejected its arguments: "
                    + r.getMessage(), r.getCause()) : r;
        } catch (InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException("cannot call " + exec + " of " + cls.getName(), e);
        }
    }

    private static void invokeSetter(Method m, Object target, Object value) {
        try {
            m.invoke(target, value);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call " + m, e);
        }
    }

    /**
     * The user's constructor rejected its arguments (an IllegalArgumentException such as "window
     * must be at least 1 day"): that is a configuration error, reported without a stack trace.
     */
    private static RuntimeException rethrow(InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException iae) {
            return new CliException(iae.getMessage(), iae);
        }
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(cause);
    }

    private static Node constant(Object value, Object config) {
        return new Node() {
            @Override public Object build(Object data) {
                return value;
            }

            @Override public Object config() {
                return config;
            }
        };
    }

    /** A list or map of nodes. */
    private record Composite(Object config, Collection<Node> children, Function<Object, Object> builder) implements Node {
        @Override public Object build(Object data) {
            return builder.apply(data);
        }

        @Override public boolean needsData() {
            return children.stream().anyMatch(Node::needsData);
        }
    }
}
