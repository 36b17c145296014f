package dev.lightning4j.data;

import dev.lightning4j.tensor.HostArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One batch on the host, as a data loader yields it: named arrays whose first dimension is the
 * batch.
 *
 * @param fields the arrays by name
 * @param size   the number of examples
 */
public record HostBatch(Map<String, HostArray> fields, int size) {
    /** Checks that every field has {@code size} rows. */
    public HostBatch {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        for (Map.Entry<String, HostArray> e : fields.entrySet()) {
            HostArray a = e.getValue();
            if (a.shape().rank() == 0 || a.shape().get(0) != size) {
                throw new IllegalArgumentException("batch field '" + e.getKey() + "' has shape " + a.shape()
                        + "; expected " + size + " rows");
            }
        }
    }
}
