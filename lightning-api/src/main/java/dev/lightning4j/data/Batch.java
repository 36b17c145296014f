package dev.lightning4j.data;

import dev.lightning4j.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One batch inside a step: named tensors on the engine. Most data sets have an {@code input} and
 * a {@code target} field; others name their own.
 */
public final class Batch {
    /** The conventional name of the model input field. */
    public static final String INPUT = "input";
    /** The conventional name of the label field. */
    public static final String TARGET = "target";

    private final Map<String, Tensor> fields;

    /** Wraps named tensors. */
    public Batch(Map<String, Tensor> fields) {
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The field called {@code name}; fails with the available names. */
    public Tensor get(String name) {
        Tensor t = fields.get(name);
        if (t == null) {
            throw new IllegalArgumentException("batch has no field '" + name + "'; it has " + fields.keySet());
        }
        return t;
    }

    /** The {@code input} field. */
    public Tensor input() {
        return get(INPUT);
    }

    /** The {@code target} field. */
    public Tensor target() {
        return get(TARGET);
    }

    /** All fields. */
    public Map<String, Tensor> fields() {
        return fields;
    }
}
