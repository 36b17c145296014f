package dev.lightning4j.loops;

import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.ModelHooks;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.trainer.Trainer;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one place hooks are dispatched. As in Lightning, callbacks run before the module's own hook;
 * for "end" hooks the callbacks run in reverse registration order (as JUnit orders its
 * after-callbacks), so a callback registered first wraps the others.
 *
 * <p>The hooks called for every batch ({@link BatchHook}) are dispatched only when a callback or
 * the module overrides them, as Keras's {@code CallbackList} skips the batch hooks that no callback
 * implements: a step of a small model takes a few milliseconds, and calling every callback's empty
 * hooks around it is overhead the user did not ask for.
 */
public final class Hooks {
    private final Trainer trainer;
    private final LightningModule module;
    private final List<Callback> callbacks;
    private final List<Callback> reversed;
    private final boolean[] dispatched = new boolean[BatchHook.values().length];

    /** The hooks called for every batch, by their name in {@link Callback} and {@link ModelHooks}. */
    enum BatchHook {
        TRAIN_BATCH_START("onTrainBatchStart", HostBatch.class, int.class),
        BEFORE_BACKWARD("onBeforeBackward", double.class),
        AFTER_BACKWARD("onAfterBackward"),
        BEFORE_OPTIMIZER_STEP("onBeforeOptimizerStep"),
        TRAIN_BATCH_END("onTrainBatchEnd", Map.class, HostBatch.class, int.class),
        VALIDATION_BATCH_START("onValidationBatchStart", HostBatch.class, int.class),
        VALIDATION_BATCH_END("onValidationBatchEnd", Map.class, HostBatch.class, int.class);

        private final String method;
        /** The {@link ModelHooks} parameters; a {@link Callback}'s are the Trainer and the module, then these. */
        private final Class<?>[] moduleParams;

        BatchHook(String method, Class<?>... moduleParams) {
            this.method = method;
            this.moduleParams = moduleParams;
        }

        /** True when {@code callback}'s class (or an interface between it and Callback) overrides this hook. */
        boolean overriddenBy(Callback callback) {
            Class<?>[] params = new Class<?>[moduleParams.length + 2];
            params[0] = Trainer.class;
            params[1] = LightningModule.class;
            System.arraycopy(moduleParams, 0, params, 2, moduleParams.length);
            return declaredBelow(callback.getClass(), params, Callback.class);
        }

        /** True when {@code module}'s class overrides this hook of {@link ModelHooks}. */
        boolean overriddenBy(ModelHooks module) {
            return declaredBelow(module.getClass(), moduleParams, ModelHooks.class);
        }

        private boolean declaredBelow(Class<?> type, Class<?>[] params, Class<?> base) {
            try {
                Method m = type.getMethod(method, params);
                return m.getDeclaringClass() != base;
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(base.getSimpleName() + " has no hook " + method + " with parameters "
                        + java.util.Arrays.toString(params), e);
            }
        }
    }

    /** Hooks of {@code module} and {@code callbacks} for a run of {@code trainer}. */
    public Hooks(Trainer trainer, LightningModule module, List<Callback> callbacks) {
        this.trainer = trainer;
        this.module = module;
        this.callbacks = List.copyOf(callbacks);
        List<Callback> r = new ArrayList<>(callbacks);
        Collections.reverse(r);
        this.reversed = List.copyOf(r);
        for (BatchHook hook : BatchHook.values()) {
            dispatched[hook.ordinal()] = hook.overriddenBy(module) || this.callbacks.stream().anyMatch(hook::overriddenBy);
        }
    }

    /**
     * True when a callback or the module overrides {@code hook}; the loops call a per-batch hook only
     * then (calling it otherwise would run only empty defaults).
     */
    boolean dispatches(BatchHook hook) {
        return dispatched[hook.ordinal()];
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
