package dev.lightning4j.nn;

import java.util.Map;

/** Text renderings of a module tree. */
final class ModuleSummaries {
    private ModuleSummaries() {
    }

    static String describe(Module m) {
        StringBuilder sb = new StringBuilder();
        describe(m, sb, "");
        return sb.toString();
    }

    private static void describe(Module m, StringBuilder sb, String indent) {
        sb.append(m.getClass().getSimpleName());
        if (m.children().isEmpty()) {
            return;
        }
        sb.append("(\n");
        for (Map.Entry<String, Module> e : m.children().entrySet()) {
            sb.append(indent).append("  (").append(e.getKey()).append("): ");
            describe(e.getValue(), sb, indent + "  ");
            sb.append('\n');
        }
        sb.append(indent).append(')');
    }
}
