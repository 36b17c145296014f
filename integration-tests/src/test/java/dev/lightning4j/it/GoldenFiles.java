package dev.lightning4j.it;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lightning4j.nn.GELU;
import dev.lightning4j.nn.Identity;
import dev.lightning4j.nn.Linear;
import dev.lightning4j.nn.Module;
import dev.lightning4j.nn.ReLU;
import dev.lightning4j.nn.Sequential;
import dev.lightning4j.nn.Sigmoid;
import dev.lightning4j.nn.Tanh;
import dev.lightning4j.tensor.HostArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the PyTorch reference cases in {@code shared/golden}. The folder is the first that exists of:
 * the system property {@value #PROPERTY}, {@code ../../shared/golden} relative to this module (the CI
 * clone keeps {@code shared/} next to the repository root), and {@code ../shared/golden} (when run
 * from the repository root).
 */
final class GoldenFiles {
    /** The system property naming the golden folder. */
    static final String PROPERTY = "lightning.golden.dir";

    private GoldenFiles() {
    }

    /** The golden folder; fails with the paths it tried when absent. */
    static Path dir() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured).toAbsolutePath().normalize());
        }
        Path here = Path.of("").toAbsolutePath();
        candidates.add(here.resolve("../../shared/golden").normalize());
        candidates.add(here.resolve("../shared/golden").normalize());
        for (Path p : candidates) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("golden reference folder not found; tried " + candidates
                + ". Put the shared/ folder next to the repository root or pass -D" + PROPERTY + "=/path/to/shared/golden");
    }

    /** The parsed JSON of case {@code name} (without .json). */
    static JsonObject load(String name) {
        Path file = dir().resolve(name + ".json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("golden case " + file + " does not exist");
        }
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read golden case " + file, e);
        }
    }

    /** A {@code {"shape": [...], "values": [...]}} object as float32. */
    static HostArray floats(JsonObject tensor) {
        long[] shape = shape(tensor);
        JsonArray values = tensor.getAsJsonArray("values");
        float[] data = new float[values.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = values.get(i).getAsFloat();
        }
        return HostArray.of(data, shape);
    }

    /** A tensor object of integral values (class labels, stored as floats) as int64. */
    static HostArray longs(JsonObject tensor) {
        long[] shape = shape(tensor);
        JsonArray values = tensor.getAsJsonArray("values");
        long[] data = new long[values.size()];
        for (int i = 0; i < data.length; i++) {
            double v = values.get(i).getAsDouble();
            if (v != Math.rint(v)) {
                throw new IllegalArgumentException("expected integral class labels, got " + v + " at " + i);
            }
            data[i] = (long) v;
        }
        return HostArray.of(data, shape);
    }

    /** A map of named tensor objects (a state dict) as float32, in file order. */
    static Map<String, HostArray> stateDict(JsonObject state) {
        Map<String, HostArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : state.entrySet()) {
            out.put(e.getKey(), floats(e.getValue().getAsJsonObject()));
        }
        return out;
    }

    /** A JSON array of numbers. */
    static double[] doubles(JsonArray array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).getAsDouble();
        }
        return out;
    }

    /**
     * The Sequential described by a training case's {@code "model"}: {@code {"layers": ["Linear",
     * "ReLU", "Linear"], "sizes": [4, 8, 1]}}, Linear layers taking consecutive sizes. Its state-dict
     * names are the case's ({@code 0.weight}, ...). Same rules as GoldenTrainingTest's own builder.
     */
    static Sequential sequential(JsonObject spec) {
        JsonArray layers = spec.getAsJsonArray("layers");
        JsonArray sizes = spec.getAsJsonArray("sizes");
        List<Module> modules = new ArrayList<>();
        int linear = 0;
        for (JsonElement l : layers) {
            String kind = l.getAsString();
            switch (kind) {
                case "Linear":
                    modules.add(new Linear(sizes.get(linear).getAsInt(), sizes.get(linear + 1).getAsInt()));
                    linear++;
                    break;
                case "ReLU":
                    modules.add(new ReLU());
                    break;
                case "Tanh":
                    modules.add(new Tanh());
                    break;
                case "Sigmoid":
                    modules.add(new Sigmoid());
                    break;
                case "GELU":
                    modules.add(new GELU());
                    break;
                case "Identity":
                    modules.add(new Identity());
                    break;
                default:
                    throw new IllegalArgumentException("golden model: unsupported layer " + kind);
            }
        }
        return new Sequential(modules);
    }

    private static long[] shape(JsonObject tensor) {
        JsonArray s = tensor.getAsJsonArray("shape");
        long[] shape = new long[s.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = s.get(i).getAsLong();
        }
        return shape;
    }
}
