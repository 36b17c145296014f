package dev.lightning4j.loops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Optimization;
import dev.lightning4j.data.Batch;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.loops.Hooks.BatchHook;
import dev.lightning4j.tensor.Tensor;
import dev.lightning4j.trainer.Trainer;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HooksTest {
    /** A module that overrides no hook. */
    static class PlainModule extends LightningModule {
        @Override
        public Tensor trainingStep(Batch batch, int batchIdx) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optimization configureOptimizers() {
            throw new UnsupportedOperationException();
        }
    }

    /** Overrides a hook in a class. */
    static class BatchEndCallback implements Callback {
        @Override
        public void onTrainBatchEnd(Trainer trainer, LightningModule module, Map<String, Double> metrics, HostBatch batch,
                                    int batchIdx) {
        }
    }

    /** Inherits the override from its superclass. */
    static class InheritedBatchEnd extends BatchEndCallback {
    }

    /** Overrides a hook in an interface between the class and Callback. */
    interface ValidationBatchStartDefault extends Callback {
        @Override
        default void onValidationBatchStart(Trainer trainer, LightningModule module, HostBatch batch, int batchIdx) {
        }
    }

    static class ViaInterface implements ValidationBatchStartDefault {
    }

    private static Set<BatchHook> dispatched(LightningModule module, Callback... callbacks) {
        Hooks hooks = new Hooks(null, module, List.of(callbacks));
        Set<BatchHook> out = EnumSet.noneOf(BatchHook.class);
        for (BatchHook h : BatchHook.values()) {
            if (hooks.dispatches(h)) {
                out.add(h);
            }
        }
        return out;
    }

    @Test
    void aHookNobodyOverridesIsNotDispatched() {
        assertThat(dispatched(new PlainModule(), new Callback() { })).isEmpty();
    }

    @Test
    void aHookIsDispatchedWhenACallbackOverridesItInAnyWay() {
        assertThat(dispatched(new PlainModule(), new Callback() { }, new BatchEndCallback()))
                .containsExactly(BatchHook.TRAIN_BATCH_END);
        assertThat(dispatched(new PlainModule(), new InheritedBatchEnd())).containsExactly(BatchHook.TRAIN_BATCH_END);
        assertThat(dispatched(new PlainModule(), new ViaInterface())).containsExactly(BatchHook.VALIDATION_BATCH_START);
        assertThat(dispatched(new PlainModule(), new Callback() {
            @Override
            public void onBeforeBackward(Trainer trainer, LightningModule module, double loss) {
            }
        })).containsExactly(BatchHook.BEFORE_BACKWARD);
    }

    @Test
    void aHookIsDispatchedWhenTheModuleOverridesIt() {
        LightningModule module = new PlainModule() {
            @Override
            public void onBeforeOptimizerStep() {
            }

            @Override
            public void onValidationBatchEnd(Map<String, Double> metrics, HostBatch batch, int batchIdx) {
            }
        };
        assertThat(dispatched(module)).containsExactlyInAnyOrder(BatchHook.BEFORE_OPTIMIZER_STEP, BatchHook.VALIDATION_BATCH_END);
    }

    @Test
    void everyBatchHookNamesAMethodOfBothInterfaces() {
        // A misspelt name or parameter list would make the lookup throw here rather than skip a hook silently.
        for (BatchHook h : BatchHook.values()) {
            assertThat(h.overriddenBy(new Callback() { })).isFalse();
            assertThat(h.overriddenBy(new PlainModule())).isFalse();
        }
    }
}
