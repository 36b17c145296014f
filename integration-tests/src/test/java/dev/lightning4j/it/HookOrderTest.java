package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Lightning;
import dev.lightning4j.core.Stage;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.testkit.ForEachBackend;
import dev.lightning4j.trainer.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The order of hooks during fit, on the module and on callbacks, as Lightning's
 * {@code test_hooks.py} records it: callbacks before the module, validation inside the epoch
 * before {@code on_train_epoch_end}, and the backward/optimizer hooks between batch start and end.
 */
class HookOrderTest {

    private static final class RecordingModule extends LinearRegressionModule {
        final List<String> calls;

        RecordingModule(List<String> calls) {
            super(3, 0, 0.01);
            this.calls = calls;
        }

        @Override public void onFitStart() { calls.add("Module.onFitStart"); }
        @Override public void onFitEnd() { calls.add("Module.onFitEnd"); }
        @Override public void onTrainStart() { calls.add("Module.onTrainStart"); }
        @Override public void onTrainEnd() { calls.add("Module.onTrainEnd"); }
        @Override public void onTrainEpochStart() { calls.add("Module.onTrainEpochStart"); }
        @Override public void onTrainEpochEnd() { calls.add("Module.onTrainEpochEnd"); }
        @Override public void onTrainBatchStart(HostBatch b, int i) { calls.add("Module.onTrainBatchStart"); }
        @Override public void onBeforeBackward(double loss) { calls.add("Module.onBeforeBackward"); }
        @Override public void onAfterBackward() { calls.add("Module.onAfterBackward"); }
        @Override public void onBeforeOptimizerStep() { calls.add("Module.onBeforeOptimizerStep"); }
        @Override public void onTrainBatchEnd(Map<String, Double> m, HostBatch b, int i) { calls.add("Module.onTrainBatchEnd"); }
        @Override public void onValidationStart() { calls.add("Module.onValidationStart"); }
        @Override public void onValidationEnd() { calls.add("Module.onValidationEnd"); }
        @Override public void onValidationEpochStart() { calls.add("Module.onValidationEpochStart"); }
        @Override public void onValidationEpochEnd() { calls.add("Module.onValidationEpochEnd"); }
        @Override public void onValidationBatchStart(HostBatch b, int i) { calls.add("Module.onValidationBatchStart"); }
        @Override public void onValidationBatchEnd(Map<String, Double> m, HostBatch b, int i) { calls.add("Module.onValidationBatchEnd"); }
    }

    private static final class RecordingCallback implements Callback {
        final List<String> calls;

        RecordingCallback(List<String> calls) {
            this.calls = calls;
        }

        @Override public void setup(Trainer t, LightningModule m, Stage s) { calls.add("Callback.setup"); }
        @Override public void teardown(Trainer t, LightningModule m, Stage s) { calls.add("Callback.teardown"); }
        @Override public void onFitStart(Trainer t, LightningModule m) { calls.add("Callback.onFitStart"); }
        @Override public void onFitEnd(Trainer t, LightningModule m) { calls.add("Callback.onFitEnd"); }
        @Override public void onSanityCheckStart(Trainer t, LightningModule m) { calls.add("Callback.onSanityCheckStart"); }
        @Override public void onSanityCheckEnd(Trainer t, LightningModule m) { calls.add("Callback.onSanityCheckEnd"); }
        @Override public void onTrainStart(Trainer t, LightningModule m) { calls.add("Callback.onTrainStart"); }
        @Override public void onTrainEnd(Trainer t, LightningModule m) { calls.add("Callback.onTrainEnd"); }
        @Override public void onTrainEpochStart(Trainer t, LightningModule m) { calls.add("Callback.onTrainEpochStart"); }
        @Override public void onTrainEpochEnd(Trainer t, LightningModule m) { calls.add("Callback.onTrainEpochEnd"); }
        @Override public void onTrainBatchStart(Trainer t, LightningModule m, HostBatch b, int i) { calls.add("Callback.onTrainBatchStart"); }
        @Override public void onBeforeBackward(Trainer t, LightningModule m, double loss) { calls.add("Callback.onBeforeBackward"); }
        @Override public void onAfterBackward(Trainer t, LightningModule m) { calls.add("Callback.onAfterBackward"); }
        @Override public void onBeforeOptimizerStep(Trainer t, LightningModule m) { calls.add("Callback.onBeforeOptimizerStep"); }
        @Override public void onTrainBatchEnd(Trainer t, LightningModule m, Map<String, Double> x, HostBatch b, int i) { calls.add("Callback.onTrainBatchEnd"); }
        @Override public void onValidationStart(Trainer t, LightningModule m) { calls.add("Callback.onValidationStart"); }
        @Override public void onValidationEnd(Trainer t, LightningModule m) { calls.add("Callback.onValidationEnd"); }
        @Override public void onValidationEpochStart(Trainer t, LightningModule m) { calls.add("Callback.onValidationEpochStart"); }
        @Override public void onValidationEpochEnd(Trainer t, LightningModule m) { calls.add("Callback.onValidationEpochEnd"); }
        @Override public void onValidationBatchStart(Trainer t, LightningModule m, HostBatch b, int i) { calls.add("Callback.onValidationBatchStart"); }
        @Override public void onValidationBatchEnd(Trainer t, LightningModule m, Map<String, Double> x, HostBatch b, int i) { calls.add("Callback.onValidationBatchEnd"); }
    }

    private static List<String> validation() {
        return List.of("Callback.onValidationStart", "Module.onValidationStart",
                "Callback.onValidationEpochStart", "Module.onValidationEpochStart",
                "Callback.onValidationBatchStart", "Module.onValidationBatchStart",
                "Callback.onValidationBatchEnd", "Module.onValidationBatchEnd",
                "Callback.onValidationEpochEnd", "Module.onValidationEpochEnd",
                "Callback.onValidationEnd", "Module.onValidationEnd");
    }

    private static List<String> trainBatch() {
        return List.of("Callback.onTrainBatchStart", "Module.onTrainBatchStart",
                "Callback.onBeforeBackward", "Module.onBeforeBackward",
                "Callback.onAfterBackward", "Module.onAfterBackward",
                "Callback.onBeforeOptimizerStep", "Module.onBeforeOptimizerStep",
                "Callback.onTrainBatchEnd", "Module.onTrainBatchEnd");
    }

    @ForEachBackend
    void fitCallsHooksInLightningsOrder(String backend) {
        Lightning.seedEverything(0);
        List<String> calls = new ArrayList<>();
        RecordingModule model = new RecordingModule(calls);
        DataLoader train = DataLoader.builder(Synthetic.linear(40, 0.1, 1)).batchSize(10).build();
        DataLoader val = DataLoader.builder(Synthetic.linear(20, 0.1, 2)).batchSize(10).build();
        try (Trainer trainer = Trainer.builder().backend(backend).maxEpochs(1).limitTrainBatches(2).limitValBatches(1)
                .numSanityValSteps(1).enableSummary(false).enableLogger(false).enableCheckpointing(false)
                .callbacks(new RecordingCallback(calls)).build()) {
            trainer.fit(model, train, val);
        }
        List<String> expected = new ArrayList<>();
        expected.add("Callback.setup");
        expected.addAll(List.of("Callback.onFitStart", "Module.onFitStart", "Callback.onSanityCheckStart"));
        expected.addAll(validation());
        expected.add("Callback.onSanityCheckEnd");
        expected.addAll(List.of("Callback.onTrainStart", "Module.onTrainStart", "Callback.onTrainEpochStart",
                "Module.onTrainEpochStart"));
        expected.addAll(trainBatch());
        expected.addAll(trainBatch());
        expected.addAll(validation());
        expected.addAll(List.of("Callback.onTrainEpochEnd", "Module.onTrainEpochEnd", "Callback.onTrainEnd",
                "Module.onTrainEnd", "Callback.onFitEnd", "Module.onFitEnd", "Callback.teardown"));
        assertThat(calls).containsExactlyElementsOf(expected);
    }

    @ForEachBackend
    void endHooksRunCallbacksInReverseRegistrationOrder(String backend) {
        List<String> calls = new ArrayList<>();
        Callback first = new Callback() {
            @Override public void onTrainStart(Trainer t, LightningModule m) { calls.add("first.start"); }
            @Override public void onTrainEnd(Trainer t, LightningModule m) { calls.add("first.end"); }
        };
        Callback second = new Callback() {
            @Override public void onTrainStart(Trainer t, LightningModule m) { calls.add("second.start"); }
            @Override public void onTrainEnd(Trainer t, LightningModule m) { calls.add("second.end"); }
        };
        try (Trainer trainer = Trainer.builder().backend(backend).maxSteps(1).enableSummary(false).enableLogger(false)
                .enableCheckpointing(false).callbacks(first, second).build()) {
            trainer.fit(new LinearRegressionModule(3, 0, 0.01),
                    DataLoader.builder(Synthetic.linear(8, 0.1, 1)).batchSize(4).build(), null);
        }
        assertThat(calls).containsExactly("first.start", "second.start", "second.end", "first.end");
    }
}
