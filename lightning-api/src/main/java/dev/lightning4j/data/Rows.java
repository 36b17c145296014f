package dev.lightning4j.data;

import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import java.util.Arrays;

/** Gathering rows (first-dimension slices) of host arrays. */
final class Rows {
    private Rows() {
    }

    /**
     * The {@code rows} of {@code array}, in that order, as a new array. Consecutive rows (every
     * unshuffled batch of an in-memory data set) are one {@code Arrays.copyOfRange}, which the JIT
     * does without zeroing the new array first; others are copied row by row.
     */
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
        Copy copy = new Copy(rows, width);
        if (array instanceof HostArray.F32 a) {
            return new HostArray.F32(copy.consecutive ? Arrays.copyOfRange(a.data(), copy.from, copy.to)
                    : copy.rows(a.data(), new float[copy.length]), out);
        } else if (array instanceof HostArray.F64 a) {
            return new HostArray.F64(copy.consecutive ? Arrays.copyOfRange(a.data(), copy.from, copy.to)
                    : copy.rows(a.data(), new double[copy.length]), out);
        } else if (array instanceof HostArray.I32 a) {
            return new HostArray.I32(copy.consecutive ? Arrays.copyOfRange(a.data(), copy.from, copy.to)
                    : copy.rows(a.data(), new int[copy.length]), out);
        } else if (array instanceof HostArray.I64 a) {
            return new HostArray.I64(copy.consecutive ? Arrays.copyOfRange(a.data(), copy.from, copy.to)
                    : copy.rows(a.data(), new long[copy.length]), out);
        }
        boolean[] data = ((HostArray.Bool) array).data();
        return new HostArray.Bool(copy.consecutive ? Arrays.copyOfRange(data, copy.from, copy.to)
                : copy.rows(data, new boolean[copy.length]), out);
    }

    /** Where the rows lie in the flat source: one range when they are consecutive. */
    private static final class Copy {
        final int[] rows;
        final int width;
        final boolean consecutive;
        final int from;
        final int to;
        final int length;

        Copy(int[] rows, int width) {
            this.rows = rows;
            this.width = width;
            boolean c = true;
            for (int i = 1; i < rows.length && c; i++) {
                c = rows[i] == rows[0] + i;
            }
            consecutive = c;
            length = rows.length * width;
            from = rows.length == 0 ? 0 : rows[0] * width;
            to = from + length;
        }

        /** Copies each row of {@code src} into its place in {@code dst} (arrays of one primitive type). */
        <T> T rows(Object src, T dst) {
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(src, rows[i] * width, dst, i * width, width);
            }
            return dst;
        }
    }
}
