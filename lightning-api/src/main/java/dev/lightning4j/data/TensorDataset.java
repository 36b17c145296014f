package dev.lightning4j.data;

import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An in-memory data set of named arrays that share their first dimension, as PyTorch's
 * {@code TensorDataset}. A batch's fields are {@link HostArray.RowSelection}s of the data set's
 * arrays: no per-example objects and no gathered copy; the backend copies the rows once, straight
 * into its tensors. The arrays are shared, not copied: do not change them while batches are in use.
 */
public final class TensorDataset implements Dataset {
    private final Map<String, HostArray> fields;
    private final int size;

    /** Fields by name; every array needs the same number of rows. */
    public TensorDataset(Map<String, HostArray> fields) {
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("TensorDataset needs at least one field");
        }
        this.fields = new LinkedHashMap<>(fields);
        int rows = -1;
        for (Map.Entry<String, HostArray> e : this.fields.entrySet()) {
            Shape s = e.getValue().shape();
            if (s.rank() == 0) {
                throw new IllegalArgumentException("TensorDataset field '" + e.getKey() + "' is a scalar; expected rows");
            }
            int n = Math.toIntExact(s.get(0));
            if (rows >= 0 && n != rows) {
                throw new IllegalArgumentException("TensorDataset field '" + e.getKey() + "' has " + n
                        + " rows; expected " + rows + " like the others");
            }
            rows = n;
        }
        this.size = rows;
    }

    /** A data set with an {@code input} and a {@code target} field. */
    public static TensorDataset of(HostArray input, HostArray target) {
        Map<String, HostArray> f = new LinkedHashMap<>();
        f.put(Batch.INPUT, input);
        f.put(Batch.TARGET, target);
        return new TensorDataset(f);
    }

    /** A data set with only an {@code input} field (for prediction). */
    public static TensorDataset of(HostArray input) {
        return new TensorDataset(Map.of(Batch.INPUT, input));
    }

    @Override
    public int size() {
        return size;
    }

    /** The field arrays. */
    public Map<String, HostArray> fields() {
        return java.util.Collections.unmodifiableMap(fields);
    }

    /** The rows {@code from} (inclusive) to {@code to} (exclusive) as a new data set of its own arrays. */
    public TensorDataset subset(int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IllegalArgumentException("subset [" + from + ", " + to + ") is outside [0, " + size + ")");
        }
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        Map<String, HostArray> rows = new LinkedHashMap<>();
        batch(idx).fields().forEach((name, selection) -> rows.put(name, selection.dense()));
        return new TensorDataset(rows);
    }

    @Override
    public HostBatch batch(int[] indices) {
        Map<String, HostArray> out = new LinkedHashMap<>();
        fields.forEach((name, array) -> out.put(name, HostArray.selectRows(array, indices)));
        return new HostBatch(out, indices.length);
    }
}
