package dev.lightning4j.data;

import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;

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
}
