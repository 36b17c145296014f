package dev.lightning4j.cli;

import dev.lightning4j.backend.Backends;
import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.loggers.Logger;
import dev.lightning4j.trainer.Trainer;
import dev.lightning4j.trainer.TrainerConfig;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code trainer:} section: Lightning's snake_case option names mapped onto
 * {@link Trainer.Builder}, each checked for its type before anything is built. Lightning's
 * conventions hold: for {@code limit_*_batches}, {@code val_check_interval} and
 * {@code overfit_batches} an integer is a batch count and a float a fraction; {@code fast_dev_run}
 * is a boolean or a count; {@code logger} is a boolean, a logger or a list of loggers;
 * {@code callbacks} is a list of {@code {class_path, init_args}} (short names are looked up in
 * {@code dev.lightning4j.callbacks} and {@code dev.lightning4j.loggers}).
 */
public final class TrainerOptions {
    /** How an option's value is read. */
    enum Kind { BACKEND, ACCELERATOR, INT, LONG, BOOL, LIMIT, FAST_DEV_RUN, OPT_DOUBLE, CLIP, OPT_DURATION, OPT_LONG, OPT_PATH,
        LOGGER, CALLBACKS }

    /** One option with its default, as printed by {@code --print-config}. */
    record Spec(String key, Kind kind, Object defaultValue) {
    }

    private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

    static {
        add("backend", Kind.BACKEND, null);
        add("accelerator", Kind.ACCELERATOR, "auto");
        add("devices", Kind.INT, 1);
        add("max_epochs", Kind.INT, -1);
        add("min_epochs", Kind.INT, 0);
        add("max_steps", Kind.LONG, -1L);
        add("max_time", Kind.OPT_DURATION, null);
        add("limit_train_batches", Kind.LIMIT, 1.0);
        add("limit_val_batches", Kind.LIMIT, 1.0);
        add("limit_test_batches", Kind.LIMIT, 1.0);
        add("limit_predict_batches", Kind.LIMIT, 1.0);
        add("val_check_interval", Kind.LIMIT, 1.0);
        add("check_val_every_n_epoch", Kind.INT, 1);
        add("num_sanity_val_steps", Kind.INT, 2);
        add("fast_dev_run", Kind.FAST_DEV_RUN, false);
        add("overfit_batches", Kind.LIMIT, 0.0);
        add("accumulate_grad_batches", Kind.INT, 1);
        add("gradient_clip_val", Kind.OPT_DOUBLE, null);
        add("gradient_clip_algorithm", Kind.CLIP, "norm");
        add("deterministic", Kind.BOOL, false);
        add("detect_anomaly", Kind.BOOL, false);
        add("seed", Kind.OPT_LONG, null);
        add("default_root_dir", Kind.OPT_PATH, null);
        add("logger", Kind.LOGGER, true);
        add("callbacks", Kind.CALLBACKS, List.of());
        add("enable_checkpointing", Kind.BOOL, true);
        add("enable_progress_bar", Kind.BOOL, true);
        add("enable_model_summary", Kind.BOOL, true);
        add("log_every_n_steps", Kind.INT, 50);
    }

    private static final List<String> PACKAGES = List.of("dev.lightning4j.callbacks", "dev.lightning4j.loggers");
    private static final Pattern CAMEL_KEY = Pattern.compile("trainer\\.([a-z][A-Za-z0-9]*)");

    private final Map<String, Object> canonical;
    private final List<ObjectFactory.Node> callbacks;
    private final List<ObjectFactory.Node> loggers;
    private final boolean loggerEnabled;
    private final Map<String, Map.Entry<Method, ObjectFactory.Node>> extras;

    private TrainerOptions(Map<String, Object> canonical, List<ObjectFactory.Node> callbacks, List<ObjectFactory.Node> loggers,
                           boolean loggerEnabled, Map<String, Map.Entry<Method, ObjectFactory.Node>> extras) {
        this.canonical = canonical;
        this.callbacks = callbacks;
        this.loggers = loggers;
        this.loggerEnabled = loggerEnabled;
        this.extras = extras;
    }

    /** Builder methods the CLI must not expose: objects it manages itself, or that YAML cannot express. */
    private static final Set<String> NOT_OPTIONS = Set.of("console", "modules", "loggers", "callbacks", "enableLogger",
            "enableSummary", "config", "build");

    /** Public one-argument Trainer.Builder options not in the table above, by snake_case name. */
    private static Map<String, List<Method>> builderExtras() {
        Map<String, List<Method>> out = new LinkedHashMap<>();
        for (Method m : Trainer.Builder.class.getMethods()) {
            if (m.getParameterCount() != 1 || m.getReturnType() != Trainer.Builder.class || m.isVarArgs()
                    || NOT_OPTIONS.contains(m.getName())) {
                continue;
            }
            String key = Names.snake(m.getName());
            if (!SPECS.containsKey(key)) {
                out.computeIfAbsent(key, k -> new ArrayList<>()).add(m);
            }
        }
        return out;
    }

    /** The default Trainer configuration's simple values, by snake_case name. */
    private static Map<String, Object> configDefaults() {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            TrainerConfig c = Trainer.builder().config();
            for (java.lang.reflect.RecordComponent rc : TrainerConfig.class.getRecordComponents()) {
                Object v = rc.getAccessor().invoke(c);
                if (v instanceof Enum<?> e) {
                    v = e.name().toLowerCase(java.util.Locale.ROOT);
                }
                if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
                    out.put(Names.snake(rc.getName()), v);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // defaults are only for printing; without them an option is printed when given
        }
        return out;
    }

    private static void add(String key, Kind kind, Object def) {
        SPECS.put(key, new Spec(key, kind, def));
    }

    /** Every option name: Lightning's, in the order {@code --print-config} writes them, then the builder's others. */
    public static Set<String> keys() {
        Set<String> all = new java.util.LinkedHashSet<>(SPECS.keySet());
        all.addAll(builderExtras().keySet());
        return all;
    }

    /** Validates the {@code trainer:} section (null: all defaults). */
    public static TrainerOptions plan(Object section) {
        if (section != null && !(section instanceof Map<?, ?>)) {
            throw new CliException("trainer: expected a mapping of Trainer options, got " + Configs.describe(section));
        }
        Map<String, Object> given = section == null ? Map.of() : Configs.asStringMap((Map<?, ?>) section);
        Map<String, List<Method>> extras = builderExtras();
        for (String k : given.keySet()) {
            if (!SPECS.containsKey(k) && !extras.containsKey(k)) {
                Set<String> all = new java.util.LinkedHashSet<>(SPECS.keySet());
                all.addAll(extras.keySet());
                String snake = Names.snake(k);
                String hint = all.contains(snake) ? "; did you mean trainer." + snake + "?"
                        : Names.didYouMean(k, all, "trainer.");
                throw new CliException("trainer." + k + ": unknown Trainer option" + hint);
            }
        }
        ObjectFactory factory = new ObjectFactory(null);
        Map<String, Object> canonical = new LinkedHashMap<>();
        List<ObjectFactory.Node> callbacks = new ArrayList<>();
        List<ObjectFactory.Node> loggers = new ArrayList<>();
        boolean loggerEnabled = true;
        for (Spec spec : SPECS.values()) {
            String path = "trainer." + spec.key();
            boolean present = given.containsKey(spec.key());
            Object v = present ? given.get(spec.key()) : spec.defaultValue();
            switch (spec.kind()) {
                case BACKEND -> canonical.put(spec.key(), backend(path, v));
                case ACCELERATOR -> {
                    String s = string(path, v);
                    List<String> choices = List.of("auto", "cpu", "cuda", "gpu");
                    if (!choices.contains(s)) {
                        throw new CliException(path + ": '" + s + "' is not one of auto, cpu, cuda, gpu"
                                + Names.closest(s, choices).map(c -> "; did you mean " + c + "?").orElse(""));
                    }
                    canonical.put(spec.key(), s);
                }
                case INT -> canonical.put(spec.key(), factory.plan(path, v, int.class).config());
                case LONG -> canonical.put(spec.key(), factory.plan(path, v, long.class).config());
                case BOOL -> canonical.put(spec.key(), factory.plan(path, v, boolean.class).config());
                case OPT_LONG -> canonical.put(spec.key(), factory.plan(path, v, Long.class).config());
                case OPT_DOUBLE -> canonical.put(spec.key(), factory.plan(path, v, Double.class).config());
                case OPT_PATH -> canonical.put(spec.key(), factory.plan(path, v, Path.class).config());
                case OPT_DURATION -> {
                    if (v != null) {
                        ObjectFactory.duration(path, v);
                    }
                    canonical.put(spec.key(), v);
                }
                case CLIP -> canonical.put(spec.key(), factory.plan(path, v, TrainerConfig.ClipAlgorithm.class).config());
                case LIMIT -> canonical.put(spec.key(), limit(path, v));
                case FAST_DEV_RUN -> {
                    if (!(v instanceof Boolean) && !(v instanceof Integer)) {
                        throw new CliException(path + ": expected true, false or a batch count, got " + Configs.describe(v));
                    }
                    canonical.put(spec.key(), v);
                }
                case LOGGER -> {
                    if (v instanceof Boolean b) {
                        loggerEnabled = b;
                        canonical.put(spec.key(), b);
                    } else {
                        List<Object> specs = v instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>(List.of(v));
                        List<Object> cfg = new ArrayList<>();
                        for (int i = 0; i < specs.size(); i++) {
                            String p = v instanceof List<?> ? path + "[" + i + "]" : path;
                            ObjectFactory.Node n = factory.planObject(p, withRootDir(specs.get(i), given), Logger.class, PACKAGES);
                            loggers.add(n);
                            cfg.add(n.config());
                        }
                        canonical.put(spec.key(), v instanceof List<?> ? cfg : cfg.get(0));
                    }
                }
                case CALLBACKS -> {
                    if (v == null) {
                        canonical.put(spec.key(), List.of());
                        break;
                    }
                    List<?> specs = v instanceof List<?> l ? l : List.of(v);
                    List<Object> cfg = new ArrayList<>();
                    for (int i = 0; i < specs.size(); i++) {
                        ObjectFactory.Node n = factory.planObject(path + "[" + i + "]", specs.get(i), Callback.class, PACKAGES);
                        callbacks.add(n);
                        cfg.add(n.config());
                    }
                    canonical.put(spec.key(), cfg);
                }
                default -> throw new IllegalStateException(spec.kind().name());
            }
        }
        // Builder options without an entry above (added to the Trainer after this table was written)
        // still work: their type comes from the builder method, their default from TrainerConfig.
        Map<String, Object> defaults = configDefaults();
        Map<String, Map.Entry<Method, ObjectFactory.Node>> extraNodes = new LinkedHashMap<>();
        for (Map.Entry<String, List<Method>> e : extras.entrySet()) {
            String path = "trainer." + e.getKey();
            boolean present = given.containsKey(e.getKey());
            if (!present && !defaults.containsKey(e.getKey())) {
                continue;
            }
            Object v = present ? given.get(e.getKey()) : defaults.get(e.getKey());
            CliException error = null;
            for (Method m : e.getValue()) {
                try {
                    ObjectFactory.Node n = factory.plan(path, v, m.getGenericParameterTypes()[0]);
                    canonical.put(e.getKey(), n.config());
                    if (present) {
                        extraNodes.put(e.getKey(), Map.entry(m, n));
                    }
                    error = null;
                    break;
                } catch (CliException ex) {
                    error = error == null ? ex : error;
                }
            }
            if (error != null) {
                throw error;
            }
        }
        TrainerOptions options = new TrainerOptions(canonical, callbacks, loggers, loggerEnabled, extraNodes);
        options.validateCombination();
        return options;
    }

    /** The options as a YAML-ready mapping, every option present. */
    public Map<String, Object> config() {
        return canonical;
    }

    /** The chosen backend's name. */
    public String backend() {
        return (String) canonical.get("backend");
    }

    /**
     * A builder with every option applied, the configured callbacks and loggers built, and
     * {@code extra} callbacks appended (the CLI's own, such as the one saving config.yaml).
     */
    public Trainer.Builder builder(List<Callback> extra) {
        Trainer.Builder b = applyScalars();
        List<Callback> cbs = new ArrayList<>();
        callbacks.forEach(n -> cbs.add((Callback) n.build(null)));
        cbs.addAll(extra);
        b.callbacks(cbs.toArray(new Callback[0]));
        if (!loggers.isEmpty()) {
            b.loggers(loggers.stream().map(n -> (Logger) n.build(null)).toArray(Logger[]::new));
        }
        return b;
    }

    private void validateCombination() {
        try {
            applyScalars().config();
        } catch (IllegalArgumentException e) {
            // TrainerConfig names its fields in camelCase; the user wrote snake_case.
            Matcher m = CAMEL_KEY.matcher(e.getMessage());
            StringBuilder msg = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(msg, Matcher.quoteReplacement("trainer." + Names.snake(m.group(1))));
            }
            m.appendTail(msg);
            throw new CliException(msg.toString(), e);
        }
    }

    private Trainer.Builder applyScalars() {
        Trainer.Builder b = Trainer.builder();
        for (Map.Entry<String, Object> e : canonical.entrySet()) {
            String key = e.getKey();
            Object v = e.getValue();
            try {
                apply(b, key, v);
            } catch (IllegalArgumentException ex) {
                throw new CliException("trainer." + key + ": " + ex.getMessage(), ex);
            }
        }
        b.enableLogger(loggerEnabled);
        for (Map.Entry<String, Map.Entry<Method, ObjectFactory.Node>> e : extras.entrySet()) {
            try {
                e.getValue().getKey().invoke(b, e.getValue().getValue().build(null));
            } catch (java.lang.reflect.InvocationTargetException ex) {
                Throwable cause = ex.getCause();
                throw new CliException("trainer." + e.getKey() + ": " + cause.getMessage(), cause);
            } catch (IllegalAccessException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return b;
    }

    private static void apply(Trainer.Builder b, String key, Object v) {
        switch (key) {
            case "backend" -> b.backend((String) v);
            case "accelerator" -> b.accelerator((String) v);
            case "devices" -> b.devices((Integer) v);
            case "max_epochs" -> b.maxEpochs((Integer) v);
            case "min_epochs" -> b.minEpochs((Integer) v);
            case "max_steps" -> b.maxSteps((Long) v);
            case "max_time" -> {
                if (v != null) {
                    Duration d = ObjectFactory.duration("trainer.max_time", v);
                    b.maxTime(d);
                }
            }
            case "limit_train_batches" -> limit(v, b::limitTrainBatches, b::limitTrainBatches);
            case "limit_val_batches" -> limit(v, b::limitValBatches, b::limitValBatches);
            case "limit_test_batches" -> limit(v, b::limitTestBatches, b::limitTestBatches);
            case "limit_predict_batches" -> limit(v, b::limitPredictBatches, b::limitPredictBatches);
            case "val_check_interval" -> limit(v, b::valCheckInterval, b::valCheckInterval);
            case "overfit_batches" -> limit(v, b::overfitBatches, b::overfitBatches);
            case "check_val_every_n_epoch" -> b.checkValEveryNEpoch((Integer) v);
            case "num_sanity_val_steps" -> b.numSanityValSteps((Integer) v);
            case "fast_dev_run" -> b.fastDevRun(v instanceof Boolean on ? (on ? 1 : 0) : ((Number) v).intValue());
            case "accumulate_grad_batches" -> b.accumulateGradBatches((Integer) v);
            case "gradient_clip_val" -> b.gradientClipVal(v == null ? 0 : ((Number) v).doubleValue());
            case "gradient_clip_algorithm" -> b.gradientClipAlgorithm(TrainerConfig.ClipAlgorithm.valueOf(
                    ((String) v).toUpperCase(java.util.Locale.ROOT)));
            case "deterministic" -> b.deterministic((Boolean) v);
            case "detect_anomaly" -> b.detectAnomaly((Boolean) v);
            case "seed" -> {
                if (v != null) {
                    b.seed(((Number) v).longValue());
                }
            }
            case "default_root_dir" -> {
                if (v != null) {
                    b.defaultRootDir(Path.of((String) v));
                }
            }
            case "enable_checkpointing" -> b.enableCheckpointing((Boolean) v);
            case "enable_progress_bar" -> b.enableProgressBar((Boolean) v);
            case "enable_model_summary" -> b.enableModelSummary((Boolean) v);
            case "log_every_n_steps" -> b.logEveryNSteps((Integer) v);
            default -> {
                // logger and callbacks are objects, built in builder(); other keys are builder extras
            }
        }
    }

    private static void limit(Object v, java.util.function.IntConsumer count, java.util.function.DoubleConsumer fraction) {
        if (v instanceof Integer i) {
            count.accept(i);
        } else {
            fraction.accept(((Number) v).doubleValue());
        }
    }

    private static Object limit(String path, Object v) {
        if (v instanceof Integer || v instanceof Double) {
            return v;
        }
        if (v instanceof Long l && l <= Integer.MAX_VALUE) {
            return l.intValue();
        }
        if (v instanceof String s) {
            try {
                return s.contains(".") || s.contains("e") || s.contains("E") ? (Object) Double.parseDouble(s) : (Object) Integer.parseInt(s);
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new CliException(path + ": expected a batch count (integer, e.g. 10) or a fraction (float, e.g. 0.25), got "
                + Configs.describe(v));
    }

    private static String string(String path, Object v) {
        if (!(v instanceof String s)) {
            throw new CliException(path + ": expected a string, got " + Configs.describe(v));
        }
        return s.strip().toLowerCase(java.util.Locale.ROOT);
    }

    private static String backend(String path, Object v) {
        if (v != null && !(v instanceof String)) {
            throw new CliException(path + ": expected a backend name, got " + Configs.describe(v));
        }
        String name = Backends.resolveName((String) v);
        Set<String> installed = Backends.installed().keySet();
        if (!installed.contains(name)) {
            throw new CliException(path + ": unknown backend '" + name + "'; installed backends are "
                    + (installed.isEmpty() ? "none" : String.join(", ", installed))
                    + Names.closest(name, installed).map(c -> "; did you mean " + c + "?").orElse(""));
        }
        return name;
    }

    private static boolean takesRootDir(String className) {
        try {
            Class<?> cls = ObjectFactory.loadClass("trainer.logger", className, PACKAGES);
            return java.util.Arrays.stream(cls.getConstructors()).flatMap(c -> java.util.Arrays.stream(c.getParameters()))
                    .anyMatch(p -> p.getName().equals("rootDir"));
        } catch (CliException e) {
            return false; // planObject reports the missing class with its key
        }
    }

    /** A logger without root_dir writes under trainer.default_root_dir, as Lightning's default logger does. */
    private static Object withRootDir(Object spec, Map<String, Object> trainer) {
        if (!(spec instanceof Map<?, ?> m)) {
            return spec;
        }
        Map<String, Object> copy = Configs.copy(m);
        Object cp = copy.get("class_path");
        if (!(cp instanceof String name) || !takesRootDir(name)) {
            return spec;
        }
        Object ia = copy.get("init_args");
        Map<String, Object> args = ia instanceof Map<?, ?> am ? Configs.asStringMap(am) : new LinkedHashMap<>();
        if (ia == null || ia instanceof Map<?, ?>) {
            if (!args.containsKey("root_dir") && !args.containsKey("rootDir")) {
                Object root = trainer.get("default_root_dir");
                args.put("root_dir", root == null ? "." : root);
            }
            copy.put("init_args", args);
        }
        return copy;
    }
}
