package dev.lightning4j.callbacks;

import dev.lightning4j.core.LightningModule;
import dev.lightning4j.nn.Module;
import dev.lightning4j.nn.Parameter;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the module's layers and parameter counts when fitting starts, as Lightning's
 * {@code ModelSummary} (top-level children by default).
 */
public final class ModelSummary implements Callback {
    private final PrintStream out;
    private final int maxDepth;

    /** Prints top-level children to {@code out}. */
    public ModelSummary(PrintStream out) {
        this(out, 1);
    }

    /** Prints children down to {@code maxDepth} levels. */
    public ModelSummary(PrintStream out, int maxDepth) {
        this.out = out;
        this.maxDepth = maxDepth;
    }

    /** One row of the summary. */
    public record Row(String name, String type, long params) {
    }

    /** The rows for {@code module}: each submodule down to {@code maxDepth}, with its parameter count. */
    public static List<Row> rows(Module module, int maxDepth) {
        List<Row> rows = new ArrayList<>();
        collect(module, "", 1, maxDepth, rows);
        return rows;
    }

    private static void collect(Module m, String prefix, int depth, int maxDepth, List<Row> rows) {
        for (Map.Entry<String, Module> e : m.children().entrySet()) {
            String name = prefix + e.getKey();
            rows.add(new Row(name, e.getValue().getClass().getSimpleName(), e.getValue().numParameters()));
            if (depth < maxDepth) {
                collect(e.getValue(), name + ".", depth + 1, maxDepth, rows);
            }
        }
    }

    /** The summary as text. */
    public static String render(Module module, int maxDepth) {
        List<Row> rows = rows(module, maxDepth);
        int nameWidth = Math.max(4, rows.stream().mapToInt(r -> r.name().length()).max().orElse(4));
        int typeWidth = Math.max(4, rows.stream().mapToInt(r -> r.type().length()).max().orElse(4));
        StringBuilder sb = new StringBuilder();
        String fmt = "%3s | %-" + nameWidth + "s | %-" + typeWidth + "s | %s%n";
        sb.append(String.format(Locale.ROOT, fmt, "", "Name", "Type", "Params"));
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            sb.append(String.format(Locale.ROOT, fmt, i, r.name(), r.type(), human(r.params())));
        }
        long trainable = module.numParameters();
        long buffers = module.namedBuffers().values().stream().mapToLong(Parameter::numel).sum();
        long bytes = module.namedState().values().stream().mapToLong(p -> p.numel() * p.dtype().byteSize()).sum();
        sb.append(String.format(Locale.ROOT, "%s Trainable params%n", human(trainable)));
        sb.append(String.format(Locale.ROOT, "%s Non-trainable values (buffers)%n", human(buffers)));
        sb.append(String.format(Locale.ROOT, "%s Total params%n", human(trainable)));
        sb.append(String.format(Locale.ROOT, "%.3f Total estimated model params size (MB)%n", bytes / 1e6));
        return sb.toString();
    }

    private static String human(long n) {
        if (n >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1f M", n / 1e6);
        }
        if (n >= 1_000) {
            return String.format(Locale.ROOT, "%.1f K", n / 1e3);
        }
        return Long.toString(n);
    }

    @Override
    public void onFitStart(dev.lightning4j.trainer.Trainer trainer, LightningModule module) {
        out.print(render(module, maxDepth));
    }
}
