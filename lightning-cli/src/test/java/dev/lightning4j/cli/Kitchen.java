package dev.lightning4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A class taking every kind of argument the CLI converts, for the conversion tests. */
public final class Kitchen {
    /** A small enum. */
    public enum Mode { FAST, CAREFUL }

    final int count;
    final long big;
    final double rate;
    final float ratio;
    final boolean flag;
    final String name;
    final Path file;
    final Mode mode;
    final List<Integer> sizes;
    final Map<String, Double> weights;
    Part part;
    int retries;

    /** Every scalar kind and two collections. */
    public Kitchen(int count, long big, double rate, float ratio, boolean flag, String name, Path file, Mode mode,
                   List<Integer> sizes, Map<String, Double> weights) {
        this.count = count;
        this.big = big;
        this.rate = rate;
        this.ratio = ratio;
        this.flag = flag;
        this.name = name;
        this.file = file;
        this.mode = mode;
        this.sizes = sizes;
        this.weights = weights;
    }

    /** A fluent option (set by an init_arg that is not a constructor parameter). */
    public Kitchen retries(int n) {
        this.retries = n;
        return this;
    }

    /** A nested object set through a factory. */
    public Kitchen part(Part p) {
        this.part = p;
        return this;
    }

    /** Built only through its static factories, as WeatherData. */
    public static final class Part {
        final String label;
        final int size;

        private Part(String label, int size) {
            this.label = label;
            this.size = size;
        }

        /** A named part. */
        public static Part of(String label, int size) {
            return new Part(label, size);
        }

        /** The default part. */
        public static Part standard() {
            return new Part("standard", 1);
        }
    }
}
