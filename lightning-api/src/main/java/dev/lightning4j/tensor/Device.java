package dev.lightning4j.tensor;

import java.util.Locale;

/**
 * Where a tensor lives: {@code cpu} or {@code cuda:N}.
 *
 * @param type  the kind of device
 * @param index the device ordinal; 0 for cpu
 */
public record Device(Type type, int index) {

    /** Kinds of device. */
    public enum Type { CPU, CUDA }

    private static final Device CPU = new Device(Type.CPU, 0);

    /** Validates the index. */
    public Device {
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + index);
        }
    }

    /** The host CPU. */
    public static Device cpu() {
        return CPU;
    }

    /** The CUDA GPU with the given ordinal. */
    public static Device cuda(int index) {
        return new Device(Type.CUDA, index);
    }

    /** Parses {@code cpu}, {@code cuda} or {@code cuda:N}. */
    public static Device parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) {
            return CPU;
        }
        if (s.equals("cuda") || s.equals("gpu")) {
            return cuda(0);
        }
        if (s.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(s.substring(5)));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("unknown device '" + text + "'; expected cpu, cuda or cuda:N");
    }

    @Override
    public String toString() {
        return type == Type.CPU ? "cpu" : "cuda:" + index;
    }
}
