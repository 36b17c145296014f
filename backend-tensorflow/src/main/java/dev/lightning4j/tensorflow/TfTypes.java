package dev.lightning4j.tensorflow;

import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.DoubleDataBuffer;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.ndarray.buffer.IntDataBuffer;
import org.tensorflow.ndarray.buffer.LongDataBuffer;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/** Conversions between our dtypes/shapes/host arrays and TensorFlow's. */
final class TfTypes {
    private TfTypes() {
    }

    static DataType dataType(DType t) {
        return switch (t) {
            case FLOAT32 -> DataType.DT_FLOAT;
            case FLOAT64 -> DataType.DT_DOUBLE;
            case INT32 -> DataType.DT_INT32;
            case INT64 -> DataType.DT_INT64;
            case BOOL -> DataType.DT_BOOL;
        };
    }

    static DType dtype(DataType t) {
        return switch (t) {
            case DT_FLOAT -> DType.FLOAT32;
            case DT_DOUBLE -> DType.FLOAT64;
            case DT_INT32 -> DType.INT32;
            case DT_INT64 -> DType.INT64;
            case DT_BOOL -> DType.BOOL;
            default -> throw new IllegalStateException("TensorFlow produced a tensor of type " + t
                    + ", which Lightning4J does not support (expected float32, float64, int32, int64 or bool)");
        };
    }

    static Class<? extends TType> tensorClass(DType t) {
        return switch (t) {
            case FLOAT32 -> TFloat32.class;
            case FLOAT64 -> TFloat64.class;
            case INT32 -> TInt32.class;
            case INT64 -> TInt64.class;
            case BOOL -> TBool.class;
        };
    }

    static org.tensorflow.ndarray.Shape tfShape(Shape s) {
        return org.tensorflow.ndarray.Shape.of(s.dims());
    }

    static org.tensorflow.ndarray.Shape tfShape(long[] dims) {
        return org.tensorflow.ndarray.Shape.of(dims);
    }

    /** Our shape from a TF static shape: unknown dimensions become {@link Shape#UNKNOWN}. */
    static Shape shape(org.tensorflow.ndarray.Shape s) {
        if (s.isUnknown()) {
            throw new IllegalStateException("TensorFlow could not infer the rank of a tensor; Lightning4J needs static ranks");
        }
        long[] d = s.asArray();
        for (int i = 0; i < d.length; i++) {
            if (d[i] < 0) {
                d[i] = Shape.UNKNOWN;
            }
        }
        return Shape.of(d);
    }

    /**
     * A TF tensor holding the host data. The Java array is wrapped, not copied, so the only copy
     * is the one into TF's buffer; a row selection's rows are copied straight from its source. The
     * caller closes the result.
     */
    static Tensor toTf(HostArray h) {
        org.tensorflow.ndarray.Shape s = tfShape(h.shape());
        if (h instanceof HostArray.RowSelection sel) {
            return selectedRows(s, sel);
        } else if (h instanceof HostArray.F32 f) {
            return TFloat32.tensorOf(s, DataBuffers.of(f.data(), true, false));
        } else if (h instanceof HostArray.F64 f) {
            return TFloat64.tensorOf(s, DataBuffers.of(f.data(), true, false));
        } else if (h instanceof HostArray.I32 f) {
            return TInt32.tensorOf(s, DataBuffers.of(f.data(), true, false));
        } else if (h instanceof HostArray.I64 f) {
            return TInt64.tensorOf(s, DataBuffers.of(f.data(), true, false));
        } else if (h instanceof HostArray.Bool f) {
            return TBool.tensorOf(s, DataBuffers.of(f.data(), true, false));
        }
        throw new IllegalArgumentException("unsupported host array " + h);
    }

    /** A tensor of the selected rows, each run of consecutive rows one bulk copy from the source's array. */
    private static Tensor selectedRows(org.tensorflow.ndarray.Shape s, HostArray.RowSelection sel) {
        HostArray src = sel.source();
        if (src instanceof HostArray.F32 f) {
            return TFloat32.tensorOf(s, t -> {
                FloatDataBuffer dst = t.asRawTensor().data().asFloats();
                sel.forEachRun((from, to, n) -> dst.offset(to).write(f.data(), from, n));
            });
        } else if (src instanceof HostArray.F64 f) {
            return TFloat64.tensorOf(s, t -> {
                DoubleDataBuffer dst = t.asRawTensor().data().asDoubles();
                sel.forEachRun((from, to, n) -> dst.offset(to).write(f.data(), from, n));
            });
        } else if (src instanceof HostArray.I32 f) {
            return TInt32.tensorOf(s, t -> {
                IntDataBuffer dst = t.asRawTensor().data().asInts();
                sel.forEachRun((from, to, n) -> dst.offset(to).write(f.data(), from, n));
            });
        } else if (src instanceof HostArray.I64 f) {
            return TInt64.tensorOf(s, t -> {
                LongDataBuffer dst = t.asRawTensor().data().asLongs();
                sel.forEachRun((from, to, n) -> dst.offset(to).write(f.data(), from, n));
            });
        }
        return toTf(sel.dense()); // bool: rare in batches, and TF stores it as bytes
    }

    /** A 0-d TF tensor of {@code dtype} holding {@code v}. The caller closes it. */
    static Tensor scalarTf(double v, DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> TFloat32.scalarOf((float) v);
            case FLOAT64 -> TFloat64.scalarOf(v);
            case INT32 -> TInt32.scalarOf((int) v);
            case INT64 -> TInt64.scalarOf((long) v);
            case BOOL -> TBool.scalarOf(v != 0);
        };
    }

    /** Copies a TF tensor's values into a new host array (one copy). Does not close {@code t}. */
    static HostArray toHost(Tensor t) {
        Shape shape = Shape.of(t.shape().asArray());
        int n = Math.toIntExact(t.shape().size());
        if (t instanceof TFloat32 f) {
            float[] a = new float[n];
            f.copyTo(DataBuffers.of(a, false, false));
            return HostArray.of(a, shape.dims());
        } else if (t instanceof TFloat64 f) {
            double[] a = new double[n];
            f.copyTo(DataBuffers.of(a, false, false));
            return HostArray.of(a, shape.dims());
        } else if (t instanceof TInt32 f) {
            int[] a = new int[n];
            f.copyTo(DataBuffers.of(a, false, false));
            return HostArray.of(a, shape.dims());
        } else if (t instanceof TInt64 f) {
            long[] a = new long[n];
            f.copyTo(DataBuffers.of(a, false, false));
            return HostArray.of(a, shape.dims());
        } else if (t instanceof TBool f) {
            boolean[] a = new boolean[n];
            f.copyTo(DataBuffers.of(a, false, false));
            return HostArray.of(a, shape.dims());
        }
        throw new IllegalStateException("cannot copy a TensorFlow tensor of type " + t.dataType() + " to the host");
    }
}
