package dev.lightning4j.pytorch;

import ai.djl.ndarray.types.DataType;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Device;

/** Conversions between Lightning4J's dtypes and devices and DJL's. Switches, so no per-op lookups. */
final class PtTypes {
    private PtTypes() {
    }

    /** DJL's data type for {@code dtype}. */
    static DataType toDjl(DType dtype) {
        return switch (dtype) {
            case BOOL -> DataType.BOOLEAN;
            case INT32 -> DataType.INT32;
            case INT64 -> DataType.INT64;
            case FLOAT32 -> DataType.FLOAT32;
            case FLOAT64 -> DataType.FLOAT64;
        };
    }

    /** Our dtype for a DJL data type; fails for types the API does not have (float16, uint8, ...). */
    static DType fromDjl(DataType type) {
        return switch (type) {
            case BOOLEAN -> DType.BOOL;
            case INT32 -> DType.INT32;
            case INT64 -> DType.INT64;
            case FLOAT32 -> DType.FLOAT32;
            case FLOAT64 -> DType.FLOAT64;
            default -> throw new IllegalStateException("libtorch returned a " + type
                    + " tensor, which Lightning4J does not support; expected BOOL, INT32, INT64, FLOAT32 or FLOAT64");
        };
    }

    /** DJL's device for {@code device}. */
    static ai.djl.Device toDjl(Device device) {
        return device.type() == Device.Type.CPU ? ai.djl.Device.cpu() : ai.djl.Device.gpu(device.index());
    }

    /** Our device for a DJL device. */
    static Device fromDjl(ai.djl.Device device) {
        return device.isGpu() ? Device.cuda(device.getDeviceId()) : Device.cpu();
    }
}
