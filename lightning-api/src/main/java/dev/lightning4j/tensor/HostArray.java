package dev.lightning4j.tensor;

import java.util.Arrays;

/**
 * Tensor data held in a Java array on the host, row-major. This is how values enter and leave an
 * engine: batches, initial weights, checkpoints and results read back after a step.
 *
 * <p>The dense variants ({@link F32}, {@link F64}, {@link I32}, {@link I64}, {@link Bool}) own an
 * array of exactly their values. A {@link RowSelection} is rows of a dense array, not copied: what
 * a data loader yields for a batch of an in-memory data set. Code that reads a variant's array
 * calls {@link #dense()} first, which returns a dense array unchanged and copies a selection.
 */
public sealed interface HostArray permits HostArray.F32, HostArray.F64, HostArray.I32, HostArray.I64, HostArray.Bool,
        HostArray.RowSelection {

    /** The dimensions. */
    Shape shape();

    /** The element type. */
    DType dtype();

    /** The values widened or narrowed to float. */
    float[] toFloatArray();

    /** The values as double. */
    double[] toDoubleArray();

    /** The values as long; fails for floating types. */
    long[] toLongArray();

    /** The number of elements. */
    default int size() {
        return Math.toIntExact(shape().numel());
    }

    /**
     * The values as a dense variant: this array itself unless it is a {@link RowSelection}, whose
     * rows are copied into an array of their own.
     */
    default HostArray dense() {
        return this;
    }

    /**
     * The rows {@code rows} (first-dimension indices, in order, repeats allowed) of {@code source},
     * selected without copying: a {@link RowSelection} over the dense array underneath.
     *
     * @throws IndexOutOfBoundsException naming the first row outside {@code source}
     */
    static RowSelection selectRows(HostArray source, int[] rows) {
        if (source instanceof RowSelection s) {
            int[] mapped = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                RowSelection.checkRow(rows[i], s.rows().length, s.shape());
                mapped[i] = s.rows()[rows[i]];
            }
            return new RowSelection(s.source(), mapped, s.shape().with(0, rows.length));
        }
        if (source.shape().rank() == 0) {
            throw new IllegalArgumentException("cannot select rows of a scalar (shape " + source.shape() + ")");
        }
        return new RowSelection(source, rows.clone(), source.shape().with(0, rows.length));
    }

    /** The same values in a new array of their own. */
    default HostArray copy() {
        if (this instanceof RowSelection s) {
            return s.dense();
        } else if (this instanceof F32 a) {
            return new F32(a.data().clone(), a.shape());
        } else if (this instanceof F64 a) {
            return new F64(a.data().clone(), a.shape());
        } else if (this instanceof I32 a) {
            return new I32(a.data().clone(), a.shape());
        } else if (this instanceof I64 a) {
            return new I64(a.data().clone(), a.shape());
        }
        Bool b = (Bool) this;
        return new Bool(b.data().clone(), b.shape());
    }

    /** The single value of a one-element array. */
    default double item() {
        if (size() != 1) {
            throw new IllegalStateException("item() needs exactly one element, but shape is " + shape());
        }
        return toDoubleArray()[0];
    }

    /** float32 values with the given shape. */
    static HostArray of(float[] data, long... shape) {
        return new F32(data, Shape.of(shape));
    }

    /** float64 values with the given shape. */
    static HostArray of(double[] data, long... shape) {
        return new F64(data, Shape.of(shape));
    }

    /** int32 values with the given shape. */
    static HostArray of(int[] data, long... shape) {
        return new I32(data, Shape.of(shape));
    }

    /** int64 values with the given shape. */
    static HostArray of(long[] data, long... shape) {
        return new I64(data, Shape.of(shape));
    }

    /** bool values with the given shape. */
    static HostArray of(boolean[] data, long... shape) {
        return new Bool(data, Shape.of(shape));
    }

    /** A zero-filled array. */
    static HostArray zeros(DType dtype, Shape shape) {
        int n = Math.toIntExact(shape.numel());
        return switch (dtype) {
            case FLOAT32 -> new F32(new float[n], shape);
            case FLOAT64 -> new F64(new double[n], shape);
            case INT32 -> new I32(new int[n], shape);
            case INT64 -> new I64(new long[n], shape);
            case BOOL -> new Bool(new boolean[n], shape);
        };
    }

    /** Converts doubles to the given dtype. */
    static HostArray fromDoubles(double[] values, DType dtype, Shape shape) {
        int n = values.length;
        return switch (dtype) {
            case FLOAT64 -> new F64(values.clone(), shape);
            case FLOAT32 -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) values[i];
                }
                yield new F32(f, shape);
            }
            case INT32 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (int) values[i];
                }
                yield new I32(v, shape);
            }
            case INT64 -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (long) values[i];
                }
                yield new I64(v, shape);
            }
            case BOOL -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = values[i] != 0;
                }
                yield new Bool(v, shape);
            }
        };
    }

    private static void checkLength(int length, Shape shape) {
        if (!shape.isKnown() || shape.numel() != length) {
            throw new IllegalArgumentException(
                    "host data has " + length + " values but shape " + shape + " needs " + shape.numel());
        }
    }

    /** float32 data. */
    record F32(float[] data, Shape shape) implements HostArray {
        /** Checks that the data fills the shape. */
        public F32 {
            checkLength(data.length, shape);
        }

        @Override public DType dtype() { return DType.FLOAT32; }

        @Override public float[] toFloatArray() { return data.clone(); }

        @Override public double[] toDoubleArray() {
            double[] out = new double[data.length];
            for (int i = 0; i < data.length; i++) {
                out[i] = data[i];
            }
            return out;
        }

        @Override public long[] toLongArray() {
            throw new IllegalStateException("cannot read FLOAT32 data as long; cast the tensor to INT64 first");
        }

        @Override public boolean equals(Object o) {
            return o instanceof RowSelection r ? equals(r.dense())
                    : o instanceof F32 f && shape.equals(f.shape) && Arrays.equals(data, f.data);
        }

        @Override public int hashCode() { return 31 * shape.hashCode() + Arrays.hashCode(data); }

        @Override public String toString() { return "F32" + shape; }
    }

    /** float64 data. */
    record F64(double[] data, Shape shape) implements HostArray {
        /** Checks that the data fills the shape. */
        public F64 {
            checkLength(data.length, shape);
        }

        @Override public DType dtype() { return DType.FLOAT64; }

        @Override public float[] toFloatArray() {
            float[] out = new float[data.length];
            for (int i = 0; i < data.length; i++) {
                out[i] = (float) data[i];
            }
            return out;
        }

        @Override public double[] toDoubleArray() { return data.clone(); }

        @Override public long[] toLongArray() {
            throw new IllegalStateException("cannot read FLOAT64 data as long; cast the tensor to INT64 first");
        }

        @Override public boolean equals(Object o) {
            return o instanceof RowSelection r ? equals(r.dense())
                    : o instanceof F64 f && shape.equals(f.shape) && Arrays.equals(data, f.data);
        }

        @Override public int hashCode() { return 31 * shape.hashCode() + Arrays.hashCode(data); }

        @Override public String toString() { return "F64" + shape; }
    }

    /** int32 data. */
    record I32(int[] data, Shape shape) implements HostArray {
        /** Checks that the data fills the shape. */
        public I32 {
            checkLength(data.length, shape);
        }

        @Override public DType dtype() { return DType.INT32; }

        @Override public float[] toFloatArray() {
            float[] out = new float[data.length];
            for (int i = 0; i < data.length; i++) {
                out[i] = data[i];
            }
            return out;
        }

        @Override public double[] toDoubleArray() { return Arrays.stream(data).asDoubleStream().toArray(); }

        @Override public long[] toLongArray() { return Arrays.stream(data).asLongStream().toArray(); }

        @Override public boolean equals(Object o) {
            return o instanceof RowSelection r ? equals(r.dense())
                    : o instanceof I32 f && shape.equals(f.shape) && Arrays.equals(data, f.data);
        }

        @Override public int hashCode() { return 31 * shape.hashCode() + Arrays.hashCode(data); }

        @Override public String toString() { return "I32" + shape; }
    }

    /** int64 data. */
    record I64(long[] data, Shape shape) implements HostArray {
        /** Checks that the data fills the shape. */
        public I64 {
            checkLength(data.length, shape);
        }

        @Override public DType dtype() { return DType.INT64; }

        @Override public float[] toFloatArray() {
            float[] out = new float[data.length];
            for (int i = 0; i < data.length; i++) {
                out[i] = data[i];
            }
            return out;
        }

        @Override public double[] toDoubleArray() { return Arrays.stream(data).asDoubleStream().toArray(); }

        @Override public long[] toLongArray() { return data.clone(); }

        @Override public boolean equals(Object o) {
            return o instanceof RowSelection r ? equals(r.dense())
                    : o instanceof I64 f && shape.equals(f.shape) && Arrays.equals(data, f.data);
        }

        @Override public int hashCode() { return 31 * shape.hashCode() + Arrays.hashCode(data); }

        @Override public String toString() { return "I64" + shape; }
    }

    /** bool data. */
    record Bool(boolean[] data, Shape shape) implements HostArray {
        /** Checks that the data fills the shape. */
        public Bool {
            checkLength(data.length, shape);
        }

        @Override public DType dtype() { return DType.BOOL; }

        @Override public float[] toFloatArray() {
            float[] out = new float[data.length];
            for (int i = 0; i < data.length; i++) {
                out[i] = data[i] ? 1f : 0f;
            }
            return out;
        }

        @Override public double[] toDoubleArray() {
            double[] out = new double[data.length];
            for (int i = 0; i < data.length; i++) {
                out[i] = data[i] ? 1 : 0;
            }
            return out;
        }

        @Override public long[] toLongArray() {
            long[] out = new long[data.length];
            for (int i = 0; i < data.length; i++) {
                out[i] = data[i] ? 1 : 0;
            }
            return out;
        }

        @Override public boolean equals(Object o) {
            return o instanceof RowSelection r ? equals(r.dense())
                    : o instanceof Bool f && shape.equals(f.shape) && Arrays.equals(data, f.data);
        }

        @Override public int hashCode() { return 31 * shape.hashCode() + Arrays.hashCode(data); }

        @Override public String toString() { return "Bool" + shape; }
    }

    /**
     * Rows of a dense array, selected without copying them: a data loader's batch of an in-memory
     * data set. A backend copies each run of consecutive rows once, straight into its tensor
     * ({@link #forEachRun}); a gathered copy would be written and read again, which cost 1.5-3%
     * of a step of the benchmarks' MLP on a graph engine, through the caches it evicts. It shares the
     * source's array: neither should change while the selection is in use. Everything else reads
     * it through {@link #dense()}.
     *
     * @param source a dense array with at least one dimension
     * @param rows   the selected first-dimension indices, in order (repeats allowed); not copied
     *               here, so use {@link HostArray#selectRows}, which copies them
     * @param shape  the source's shape with {@code rows.length} rows
     */
    record RowSelection(HostArray source, int[] rows, Shape shape) implements HostArray {
        /** Checks that the source is dense, every row lies in it and the shape matches. */
        public RowSelection {
            if (source instanceof RowSelection) {
                throw new IllegalArgumentException("a RowSelection's source must be dense; use HostArray.selectRows, "
                        + "which selects from the source underneath");
            }
            Shape whole = source.shape();
            if (whole.rank() == 0) {
                throw new IllegalArgumentException("cannot select rows of a scalar (shape " + whole + ")");
            }
            int total = Math.toIntExact(whole.get(0));
            for (int r : rows) {
                checkRow(r, total, whole);
            }
            if (!isRowsOf(shape, rows.length, whole)) {
                throw new IllegalArgumentException("a selection of " + rows.length + " rows of shape " + whole
                        + " has shape " + whole.with(0, rows.length) + ", not " + shape);
            }
        }

        /**
         * Whether {@code shape} is {@code whole} with {@code rows} rows, compared in place: this runs for
         * every field of every batch, after {@code selectRows} has just built that shape.
         */
        private static boolean isRowsOf(Shape shape, int rows, Shape whole) {
            if (shape.rank() != whole.rank() || shape.get(0) != rows) {
                return false;
            }
            for (int d = 1; d < whole.rank(); d++) {
                if (shape.get(d) != whole.get(d)) {
                    return false;
                }
            }
            return true;
        }

        static void checkRow(int row, int total, Shape whole) {
            if (row < 0 || row >= total) {
                throw new IndexOutOfBoundsException("row " + row + " is outside [0, " + total + ") of an array of shape " + whole);
            }
        }

        /** What a backend does with one run of consecutive rows. */
        @FunctionalInterface
        public interface Run {
            /**
             * Copies {@code length} elements from {@code sourceOffset} in the source's array to
             * {@code targetOffset} in the destination (element offsets, row-major).
             */
            void copy(int sourceOffset, int targetOffset, int length);
        }

        /** The elements per row. */
        public int rowWidth() {
            Shape whole = source.shape();
            long total = whole.get(0);
            return total == 0 ? 0 : Math.toIntExact(whole.numel() / total);
        }

        /**
         * Calls {@code run} once for each maximal run of consecutive selected rows, in order: once
         * for an unshuffled batch.
         */
        public void forEachRun(Run run) {
            int width = rowWidth();
            int i = 0;
            while (i < rows.length) {
                int j = i + 1;
                while (j < rows.length && rows[j] == rows[j - 1] + 1) {
                    j++;
                }
                run.copy(rows[i] * width, i * width, (j - i) * width);
                i = j;
            }
        }

        @Override public DType dtype() { return source.dtype(); }

        @Override public HostArray dense() {
            Object in = backingArray(source);
            // System.arraycopy copies between arrays of any one primitive type.
            Object out = java.lang.reflect.Array.newInstance(in.getClass().getComponentType(), Math.toIntExact(shape.numel()));
            forEachRun((from, to, len) -> System.arraycopy(in, from, out, to, len));
            return switch (source.dtype()) {
                case FLOAT32 -> new F32((float[]) out, shape);
                case FLOAT64 -> new F64((double[]) out, shape);
                case INT32 -> new I32((int[]) out, shape);
                case INT64 -> new I64((long[]) out, shape);
                case BOOL -> new Bool((boolean[]) out, shape);
            };
        }

        private static Object backingArray(HostArray dense) {
            if (dense instanceof F32 a) {
                return a.data();
            } else if (dense instanceof F64 a) {
                return a.data();
            } else if (dense instanceof I32 a) {
                return a.data();
            } else if (dense instanceof I64 a) {
                return a.data();
            }
            return ((Bool) dense).data();
        }

        @Override public float[] toFloatArray() { return dense().toFloatArray(); }

        @Override public double[] toDoubleArray() { return dense().toDoubleArray(); }

        @Override public long[] toLongArray() { return dense().toLongArray(); }

        /** Equal to any array, selection or dense, of the same variant, shape and values. */
        @Override public boolean equals(Object o) {
            return o instanceof HostArray h && dense().equals(h.dense());
        }

        @Override public int hashCode() { return dense().hashCode(); }

        @Override public String toString() { return "RowSelection" + shape + " of " + source; }
    }
}
