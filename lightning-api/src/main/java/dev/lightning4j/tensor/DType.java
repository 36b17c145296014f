package dev.lightning4j.tensor;

/** Element types that every backend supports, ordered by promotion rank. */
public enum DType {
    BOOL(1, "BOOL"),
    INT32(4, "I32"),
    INT64(8, "I64"),
    FLOAT32(4, "F32"),
    FLOAT64(8, "F64");

    private final int byteSize;
    private final String safetensorsName;

    DType(int byteSize, String safetensorsName) {
        this.byteSize = byteSize;
        this.safetensorsName = safetensorsName;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The dtype tag used by the safetensors format ({@code F32}, {@code I64}, ...). */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** True for FLOAT32 and FLOAT64. */
    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** True for INT32 and INT64. */
    public boolean isIntegral() {
        return this == INT32 || this == INT64;
    }

    /** The type both operands of a binary op are cast to, as PyTorch promotes tensor-tensor ops. */
    public static DType promote(DType a, DType b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /** The dtype with the given safetensors tag. */
    public static DType fromSafetensorsName(String name) {
        for (DType t : values()) {
            if (t.safetensorsName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported safetensors dtype '" + name + "'; expected one of BOOL, I32, I64, F32, F64");
    }
}
