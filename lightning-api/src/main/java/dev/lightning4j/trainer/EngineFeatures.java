package dev.lightning4j.trainer;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.BackendProvider;
import dev.lightning4j.backend.Backends;
import dev.lightning4j.backend.DeterminismControl;
import dev.lightning4j.backend.JitCompilation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Applies the Trainer options that need an optional engine feature ({@link DeterminismControl},
 * {@link JitCompilation}) to a freshly created backend. It runs before any model is placed, so a
 * backend that cannot honour an option fails before training rather than silently ignoring it.
 */
final class EngineFeatures {
    private EngineFeatures() {
    }

    /** Applies {@code trainer.deterministic} and {@code trainer.compile} to {@code backend}. */
    static void apply(TrainerConfig config, Backend backend) {
        if (config.deterministic()) {
            if (!(backend instanceof DeterminismControl control)) {
                throw new IllegalArgumentException("trainer.deterministic = true is not supported by backend '"
                        + backend.name() + "' (" + backend.getClass().getSimpleName() + " does not implement "
                        + DeterminismControl.class.getName() + "); use deterministic(false) or another backend");
            }
            control.setDeterministic(true);
        }
        if (config.compiled()) {
            String mode = config.compile();
            if (!(backend instanceof JitCompilation jit)) {
                throw new IllegalArgumentException("trainer.compile = " + mode + " is not supported by backend '"
                        + backend.name() + "': it has no JIT compilation (" + backend.getClass().getSimpleName()
                        + " does not implement " + JitCompilation.class.getName() + "); " + offering(mode));
            }
            if (!jit.jitModes().contains(mode)) {
                throw new IllegalArgumentException("trainer.compile = " + mode + " is not supported by backend '"
                        + backend.name() + "', whose JIT modes are " + String.join(", ", new TreeSet<>(jit.jitModes()))
                        + "; " + offering(mode));
            }
            jit.useJit(mode);
        }
    }

    /** Which installed backends offer {@code mode}, read from their providers so that no other engine is loaded. */
    private static String offering(String mode) {
        List<String> names = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (Map.Entry<String, BackendProvider> e : Backends.installed().entrySet()) {
            if (e.getValue() instanceof JitCompilation.Offered offered && !offered.jitModes().isEmpty()) {
                all.add(e.getKey() + " (" + String.join(", ", new TreeSet<>(offered.jitModes())) + ")");
                if (offered.jitModes().contains(mode)) {
                    names.add(e.getKey());
                }
            }
        }
        String supported = "installed backends with JIT compilation: " + (all.isEmpty() ? "none" : String.join(", ", all));
        if (names.isEmpty()) {
            return supported + "; use compile(\"" + TrainerConfig.COMPILE_NONE + "\")";
        }
        return supported + "; use Trainer.builder().backend(\"" + names.get(0) + "\").compile(\"" + mode
                + "\"), or compile(\"" + TrainerConfig.COMPILE_NONE + "\") on this backend";
    }
}
