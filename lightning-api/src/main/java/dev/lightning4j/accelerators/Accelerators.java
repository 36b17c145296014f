package dev.lightning4j.accelerators;

import dev.lightning4j.tensor.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Chooses devices from what the engine sees, as Lightning's {@code accelerator} and
 * {@code devices} options: {@code auto} takes CUDA when the engine has a GPU, else the CPU.
 */
public final class Accelerators {
    private Accelerators() {
    }

    /**
     * The devices to use.
     *
     * @param accelerator {@code auto}, {@code cpu}, {@code cuda} (or {@code gpu})
     * @param count       how many devices
     * @param available   the engine's devices
     */
    public static List<Device> select(String accelerator, int count, List<Device> available) {
        String kind = accelerator.trim().toLowerCase(Locale.ROOT);
        List<Device> gpus = available.stream().filter(d -> d.type() == Device.Type.CUDA).toList();
        return switch (kind) {
            case "cpu" -> repeat(Device.cpu(), count);
            case "cuda", "gpu" -> {
                if (gpus.size() < count) {
                    throw new IllegalArgumentException("trainer.accelerator = " + accelerator + " with devices = " + count
                            + " needs " + count + " GPU(s), but the engine sees " + gpus.size() + " (devices: " + available + ")");
                }
                yield gpus.subList(0, count);
            }
            case "auto" -> gpus.size() >= count ? gpus.subList(0, count) : repeat(Device.cpu(), count);
            default -> throw new IllegalArgumentException("trainer.accelerator = '" + accelerator
                    + "' is unknown; expected auto, cpu or cuda");
        };
    }

    private static List<Device> repeat(Device d, int n) {
        List<Device> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(d);
        }
        return out;
    }
}
