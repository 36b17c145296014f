package dev.lightning4j.data;

import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import java.util.Arrays;

/** Gathering rows (first-dimension slices) of host arrays. */
final class Rows {
    private Rows() {
    }

    static HostArray gather(HostArray array, int[] rows) {
        Shape s = array.shape();
        int total = Math.toIntExact(s.get(0));
        int width = total == 0 ? 0 : Math.toIntExact(s.numel() / total);
        Shape out = s.with(0, rows.length);
        for (int r : rows) {
            if (r < 0 || r >= total) {
                throw new IndexOutOfBoundsException("row " + r + " is outside [0, " + total + ")");
            }
        }
        if (consecutive(rows)) {
            return slice(array, rows.length == 0 ? 0 : rows[0] * width, rows.length * width, out);
        }
        Object src;
        Object dst;
        if (array instanceof HostArray.F32 a) {
            src = a.data();
            dst = new float[rows.length * width];
        } else if (array instanceof HostArray.F64 a) {
            src = a.data();
            dst = new double[rows.length * width];
        } else if (array instanceof HostArray.I32 a) {
            src = a.data();
            dst = new int[rows.length * width];
        } else if (array instanceof HostArray.I64 a) {
            src = a.data();
            dst = new long[rows.length * width];
        } else {
            src = ((HostArray.Bool) array).data();
            dst = new boolean[rows.length * width];
        }
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(src, rows[i] * width, dst, i * width, width);
        }
        if (dst instanceof float[] d) {
            return new HostArray.F32(d, out);
        } else if (dst instanceof double[] d) {
            return new HostArray.F64(d, out);
        } else if (dst instanceof int[] d) {
            return new HostArray.I32(d, out);
        } else if (dst instanceof long[] d) {
            return new HostArray.I64(d, out);
        }
        return new HostArray.Bool((boolean[]) dst, out);
    }

    private static boolean consecutive(int[] rows) {
        for (int i = 1; i < rows.length; i++) {
            if (rows[i] != rows[0] + i) {
                return false;
            }
        }
        return true;
    }

    /**
     * Elements {@code [from, from + length)} as a new array: one bulk copy that the JIT also spares
     * from zeroing first (unshuffled batches of an in-memory data set are such ranges).
     */
    private static HostArray slice(HostArray array, int from, int length, Shape out) {
        int to = from + length;
        if (array instanceof HostArray.F32 a) {
            return new HostArray.F32(Arrays.copyOfRange(a.data(), from, to), out);
        } else if (array instanceof HostArray.F64 a) {
            return new HostArray.F64(Arrays.copyOfRange(a.data(), from, to), out);
        } else if (array instanceof HostArray.I32 a) {
            return new HostArray.I32(Arrays.copyOfRange(a.data(), from, to), out);
        } else if (array instanceof HostArray.I64 a) {
            return new HostArray.I64(Arrays.copyOfRange(a.data(), from, to), out);
        }
        return new HostArray.Bool(Arrays.copyOfRange(((HostArray.Bool) array).data(), from, to), out);
    }
}
