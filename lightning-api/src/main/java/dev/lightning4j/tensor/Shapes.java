package dev.lightning4j.tensor;

/** Shape rules shared by every backend: broadcasting and batch dimensions. */
public final class Shapes {
    private Shapes() {
    }

    /**
     * The broadcast of two shapes under PyTorch's rules, treating unknown dimensions as compatible.
     *
     * @throws IllegalArgumentException naming {@code op}, both shapes and the first clashing dimension
     */
    public static Shape broadcast(String op, Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.rank() ? 1 : a.get(i - (rank - a.rank()));
            long db = i < rank - b.rank() ? 1 : b.get(i - (rank - b.rank()));
            if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else if (da == Shape.UNKNOWN || db == Shape.UNKNOWN) {
                out[i] = Math.max(da, db);
            } else {
                throw new IllegalArgumentException(op + ": shapes " + a + " and " + b
                        + " are not broadcastable (dimension " + (i - rank) + ": " + da + " vs " + db + ")");
            }
        }
        return Shape.of(out);
    }

    /** All but the last two dimensions. */
    public static Shape batchDims(Shape s) {
        long[] d = s.dims();
        long[] out = new long[Math.max(0, d.length - 2)];
        System.arraycopy(d, 0, out, 0, out.length);
        return Shape.of(out);
    }
}
