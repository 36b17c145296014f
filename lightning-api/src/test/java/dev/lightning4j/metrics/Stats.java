package dev.lightning4j.metrics;

import dev.lightning4j.tensor.HostArray;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds batch statistics as the Trainer hands them to {@code accumulate}: host arrays by name. */
final class Stats {
    private final Map<String, HostArray> map = new LinkedHashMap<>();

    static Stats of() {
        return new Stats();
    }

    Stats scalar(String name, long value) {
        map.put(name, HostArray.of(new long[] {value}));
        return this;
    }

    Stats scalar(String name, double value) {
        map.put(name, HostArray.of(new double[] {value}));
        return this;
    }

    Stats longs(String name, long... values) {
        map.put(name, HostArray.of(values, values.length));
        return this;
    }

    Stats floats(String name, float... values) {
        map.put(name, HostArray.of(values, values.length));
        return this;
    }

    Stats doubles(String name, double... values) {
        map.put(name, HostArray.of(values, values.length));
        return this;
    }

    Map<String, HostArray> map() {
        return map;
    }

    /** Binary stat scores of one batch. */
    static Map<String, HostArray> binary(long tp, long fp, long fn, long examples) {
        return of().scalar("tp", tp).scalar("fp", fp).scalar("fn", fn).scalar("examples", examples)
                .scalar("invalid", 0L).map();
    }
}
