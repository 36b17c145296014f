package dev.lightning4j.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * The raw configuration tree: YAML files merged in command-line order, dotted overrides applied
 * on top, and the result written back as YAML. Values stay plain (maps, lists, strings, numbers,
 * booleans, null) until {@link RunPlan} validates them against the classes they configure.
 */
public final class Configs {
    /** The sections and keys allowed at the top of a configuration. */
    public static final List<String> TOP_LEVEL = List.of("seed_everything", "trainer", "model", "data", "ckpt_path");

    private Configs() {
    }

    /** Reads one YAML file, which must hold a mapping; duplicate keys are errors (a silent "last wins" hides typos). */
    public static Map<String, Object> load(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        Object doc;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            doc = yaml.load(r);
        } catch (NoSuchFileException e) {
            throw new CliException("--config " + file + ": no such file");
        } catch (IOException e) {
            throw new CliException("--config " + file + ": cannot read it (" + e.getMessage() + ")", e);
        } catch (YAMLException e) {
            throw new CliException("--config " + file + ": not valid YAML: " + e.getMessage().strip(), e);
        }
        if (doc == null) {
            return new LinkedHashMap<>();
        }
        if (!(doc instanceof Map<?, ?> m)) {
            throw new CliException("--config " + file + ": expected a mapping with sections such as trainer:, model:, data:, "
                    + "got " + describe(doc));
        }
        return copy(m);
    }

    /** Parses one command-line value as YAML ({@code 3} is an int, {@code 0.5} a float, {@code [1, 2]} a list). */
    public static Object parseValue(String raw) {
        try {
            Object v = new Yaml(new SafeConstructor(new LoaderOptions())).load(raw);
            return v instanceof Map<?, ?> m ? copy(m) : v;
        } catch (YAMLException e) {
            // Not YAML (an unbalanced bracket, say): take the text as it is.
            return raw;
        }
    }

    /**
     * Merges {@code from} into {@code into}: sections merge key by key, other values (lists
     * included) are replaced. Naming a different {@code class_path} drops the previous class's
     * {@code init_args}, which belong to the old class.
     */
    public static void merge(Map<String, Object> into, Map<String, Object> from) {
        for (Map.Entry<String, Object> e : from.entrySet()) {
            Object old = into.get(e.getKey());
            Object value = e.getValue();
            if (old instanceof Map<?, ?> oldMap && value instanceof Map<?, ?> newMap) {
                Map<String, Object> target = asStringMap(oldMap);
                Object oldClass = target.get("class_path");
                Object newClass = newMap.get("class_path");
                if (newClass != null && oldClass != null && !Objects.equals(oldClass, newClass)) {
                    target.remove("init_args");
                }
                merge(target, asStringMap(newMap));
                into.put(e.getKey(), target);
            } else {
                into.put(e.getKey(), value);
            }
        }
    }

    /**
     * Sets the value at a dotted key. {@code model.hidden} means {@code model.init_args.hidden}
     * (as LightningCLI), and {@code --model=ClassName} sets the class path.
     */
    public static void override(Map<String, Object> root, String dotted, Object value) {
        List<String> path = new ArrayList<>(List.of(dotted.split("\\.", -1)));
        if (path.stream().anyMatch(String::isEmpty)) {
            throw new CliException("--" + dotted + ": empty key segment");
        }
        String section = path.get(0);
        if ((section.equals("model") || section.equals("data")) && path.size() >= 2
                && !path.get(1).equals("class_path") && !path.get(1).equals("init_args") && !path.get(1).equals("factory")) {
            path.add(1, "init_args");
        }
        if ((section.equals("model") || section.equals("data")) && path.size() == 1 && value instanceof String) {
            path.add("class_path");
        }
        Map<String, Object> node = root;
        for (int i = 0; i < path.size() - 1; i++) {
            String k = path.get(i);
            Object child = node.get(k);
            if (child == null) {
                Map<String, Object> created = new LinkedHashMap<>();
                node.put(k, created);
                node = created;
            } else if (child instanceof Map<?, ?> m) {
                Map<String, Object> sm = asStringMap(m);
                node.put(k, sm);
                node = sm;
            } else {
                throw new CliException("--" + dotted + ": " + String.join(".", path.subList(0, i + 1))
                        + " is a value (" + describe(child) + "), not a section");
            }
        }
        String last = path.get(path.size() - 1);
        if (last.equals("class_path") && node.get("class_path") != null && !Objects.equals(node.get("class_path"), value)) {
            node.remove("init_args");
        }
        node.put(last, value);
    }

    /** The tree as block-style YAML, keys in insertion order. */
    public static String dump(Map<String, Object> tree) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setIndent(2);
        o.setIndicatorIndent(0);
        o.setWidth(120);
        return new Yaml(new Representer(o), o).dump(tree);
    }

    /** A short description of a value's YAML type, for error messages. */
    public static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (v instanceof List<?>) {
            return "a list " + v;
        }
        if (v instanceof String s) {
            return "the string '" + s + "'";
        }
        if (v instanceof Boolean) {
            return "the boolean " + v;
        }
        if (v instanceof Double || v instanceof Float) {
            return "the float " + v;
        }
        if (v instanceof Number) {
            return "the integer " + v;
        }
        return v.getClass().getSimpleName() + " " + v;
    }

    /** A mutable string-keyed copy of a YAML mapping (nested mappings and lists copied too). */
    static Map<String, Object> copy(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            out.put(String.valueOf(e.getKey()), copyValue(e.getValue()));
        }
        return out;
    }

    private static Object copyValue(Object v) {
        if (v instanceof Map<?, ?> m) {
            return copy(m);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) {
                out.add(copyValue(x));
            }
            return out;
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asStringMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
