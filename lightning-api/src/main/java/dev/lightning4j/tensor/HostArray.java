package dev.lightning4j.tensor;

import java.util.Arrays;

/**
 * Tensor data held in a Java array on the host, row-major. This is how values enter and leave an
 * engine: batches, initial weights, checkpoints and results read back after a step.
 */
public sealed interface HostArray permits HostArray.F32, HostArray.F64, HostArray.I32, HostArray.I64, HostArray.Bool {

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

    /** The same values in a new array of their own. */
    default HostArray copy() {
        if (this instanceof F32 a) {
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
            return o instanceof F32 f && shape.equals(f.shape) && Arrays.equals(data, f.data);
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
            return o instanceof F64 f && shape.equals(f.shape) && Arrays.equals(data, f.data);
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
            return o instanceof I32 f && shape.equals(f.shape) && Arrays.equals(data, f.data);
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
            return o instanceof I64 f && shape.equals(f.shape) && Arrays.equals(data, f.data);
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
            return o instanceof Bool f && shape.equals(f.shape) && Arrays.equals(data, f.data);
        }

        @Override public int hashCode() { return 31 * shape.hashCode() + Arrays.hashCode(data); }

        @Override public String toString() { return "Bool" + shape; }
    }
}
