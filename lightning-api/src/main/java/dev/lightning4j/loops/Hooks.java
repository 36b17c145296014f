package dev.lightning4j.loops;

import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.ModelHooks;
import dev.lightning4j.trainer.Trainer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one place hooks are dispatched. As in Lightning, callbacks run before the module's own hook;
 * for "end" hooks the callbacks run in reverse registration order (as JUnit orders its
 * after-callbacks), so a callback registered first wraps the others.
 */
public final class Hooks {
    private final Trainer trainer;
    private final LightningModule module;
    private final List<Callback> callbacks;
    private final List<Callback> reversed;

    /** Hooks of {@code module} and {@code callbacks} for a run of {@code trainer}. */
    public Hooks(Trainer trainer, LightningModule module, List<Callback> callbacks) {
        this.trainer = trainer;
        this.module = module;
        this.callbacks = List.copyOf(callbacks);
        List<Callback> r = new ArrayList<>(callbacks);
        Collections.reverse(r);
        this.reversed = List.copyOf(r);
    }

    /** The Trainer. */
    public Trainer trainer() {
        return trainer;
    }

    /** The module. */
    public LightningModule module() {
        return module;
    }

    /** The callbacks in registration order. */
    public List<Callback> callbacks() {
        return callbacks;
    }

    /** A "start" hook: callbacks in order, then the module. */
    public void start(Consumer<Callback> callbackHook, Consumer<ModelHooks> moduleHook) {
        callbacks.forEach(callbackHook);
        if (moduleHook != null) {
            moduleHook.accept(module);
        }
    }

    /** An "end" hook: callbacks in reverse order, then the module. */
    public void end(Consumer<Callback> callbackHook, Consumer<ModelHooks> moduleHook) {
        reversed.forEach(callbackHook);
        if (moduleHook != null) {
            moduleHook.accept(module);
        }
    }

    /** A hook with no ordering convention (per-batch hooks): callbacks in order. */
    public void each(Consumer<Callback> callbackHook) {
        callbacks.forEach(callbackHook);
    }
}
