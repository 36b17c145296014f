package dev.lightning4j.tensor;

import java.util.Arrays;

/**
 * The dimensions of a tensor, outermost first. A dimension of {@code -1} is unknown: it appears only
 * while a backend traces a step into a graph, where the batch dimension is left open.
 */
public final class Shape {
    /** The marker for a dimension whose size is not known until the step runs. */
    public static final long UNKNOWN = -1;

    private static final Shape SCALAR = new Shape(new long[0]);

    private final long[] dims;

    private Shape(long[] dims) {
        this.dims = dims;
    }

    /** A shape with the given dimensions; each must be positive, zero, or {@link #UNKNOWN}. */
    public static Shape of(long... dims) {
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < UNKNOWN) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(dims) + ": dimension " + i + " is " + dims[i]
                                + "; expected a size >= 0 (or -1 for unknown)");
            }
        }
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    /** A shape from int dimensions. */
    public static Shape of(int... dims) {
        return of(Arrays.stream(dims).asLongStream().toArray());
    }

    /** The shape of a 0-dimensional tensor. */
    public static Shape scalar() {
        return SCALAR;
    }

    /** The number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** The size of dimension {@code dim}; negative values count from the end, as in PyTorch. */
    public long get(int dim) {
        return dims[normalizeDim(dim)];
    }

    /** A copy of the dimensions. */
    public long[] dims() {
        return dims.clone();
    }

    /** The dimensions as ints; fails if one does not fit. */
    public int[] intDims() {
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = Math.toIntExact(dims[i]);
        }
        return out;
    }

    /** True when no dimension is {@link #UNKNOWN}. */
    public boolean isKnown() {
        for (long d : dims) {
            if (d == UNKNOWN) {
                return false;
            }
        }
        return true;
    }

    /** The number of elements, or {@link #UNKNOWN} when a dimension is unknown. */
    public long numel() {
        long n = 1;
        for (long d : dims) {
            if (d == UNKNOWN) {
                return UNKNOWN;
            }
            n *= d;
        }
        return n;
    }

    /** Maps a PyTorch-style dimension index (negative counts from the end) to {@code [0, rank)}. */
    public int normalizeDim(int dim) {
        return normalizeDim(dim, dims.length);
    }

    /** Maps {@code dim} into {@code [0, rank)}, failing with a message that names both. */
    public static int normalizeDim(int dim, int rank) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new IllegalArgumentException(
                    "dimension " + dim + " is out of range for a tensor of rank " + rank
                            + " (expected " + (-Math.max(rank, 1)) + " to " + (Math.max(rank, 1) - 1) + ")");
        }
        return d;
    }

    /** This shape with dimension {@code dim} removed. */
    public Shape drop(int dim) {
        int d = normalizeDim(dim);
        long[] out = new long[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (i != d) {
                out[j++] = dims[i];
            }
        }
        return new Shape(out);
    }

    /** This shape with a dimension of {@code size} inserted at {@code dim} (0..rank). */
    public Shape insert(int dim, long size) {
        int d = dim < 0 ? dim + dims.length + 1 : dim;
        if (d < 0 || d > dims.length) {
            throw new IllegalArgumentException("cannot insert a dimension at " + dim + " into " + this);
        }
        long[] out = new long[dims.length + 1];
        System.arraycopy(dims, 0, out, 0, d);
        out[d] = size;
        System.arraycopy(dims, d, out, d + 1, dims.length - d);
        return new Shape(out);
    }

    /** This shape with dimension {@code dim} set to {@code size}. */
    public Shape with(int dim, long size) {
        long[] out = dims.clone();
        out[normalizeDim(dim)] = size;
        return new Shape(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(dims[i] == UNKNOWN ? "?" : Long.toString(dims[i]));
        }
        return sb.append(']').toString();
    }
}
