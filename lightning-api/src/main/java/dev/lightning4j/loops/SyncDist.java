package dev.lightning4j.loops;

import dev.lightning4j.core.Log;
import dev.lightning4j.strategies.Strategy;
import dev.lightning4j.tensor.HostArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code log(name, value, Log.options().syncDist(true))}: replaces each such step value by its mean
 * over all ranks (Lightning's default {@code reduce_fx}), in one collective per step, before the
 * value reaches the epoch metrics. Every rank logs the same names in the same order (the same
 * step code runs everywhere), so the ranks' collectives match. A no-op in a single process.
 */
final class SyncDist {
    private SyncDist() {
    }

    static Map<String, HostArray> reduce(Strategy strategy, Map<String, HostArray> outputs, LoggedOutputs logged) {
        if (strategy.worldSize() == 1) {
            return outputs;
        }
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, Log> e : logged.options().entrySet()) {
            String key = StepOutputs.LOG_PREFIX + e.getKey();
            if (e.getValue().isSyncDist() && outputs.containsKey(key)) {
                keys.add(key);
            }
        }
        if (keys.isEmpty()) {
            return outputs;
        }
        double[] values = new double[keys.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = outputs.get(keys.get(i)).item();
        }
        double[] mean = strategy.reduceMean(values);
        Map<String, HostArray> out = new LinkedHashMap<>(outputs);
        for (int i = 0; i < mean.length; i++) {
            HostArray old = outputs.get(keys.get(i));
            out.put(keys.get(i), HostArray.fromDoubles(new double[] {mean[i]}, old.dtype(), old.shape()));
        }
        return out;
    }
}
