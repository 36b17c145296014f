package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lightning4j.core.Lightning;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.TensorDataset;
import dev.lightning4j.testkit.ForEachBackend;
import dev.lightning4j.trainer.Trainer;

/**
 * 5,000 training steps must not grow resident memory by more than 50 MB after warm-up: every
 * tensor, session result and scope is released each step. The JVM heap is fixed and pre-touched
 * (see this module's pom), so growth measured here is native memory.
 */
class ResidentMemoryStaysFlatTest {
    private static final long STEPS = 5_000;
    private static final int WARMUP_EPOCHS = 50; // 500 steps
    private static final long LIMIT_BYTES = 50L * 1024 * 1024;

    /** Samples RSS after warm-up and at the end, from the module's own epoch hook. */
    private static final class SamplingModule extends LinearRegressionModule {
        long afterWarmup;
        long atEnd;
        int epochs;

        SamplingModule() {
            super(3, 64, 0.01);
        }

        @Override
        public void onTrainEpochEnd() {
            epochs++;
            if (epochs == WARMUP_EPOCHS) {
                afterWarmup = ResidentMemory.bytes();
            }
            atEnd = ResidentMemory.bytes();
        }
    }

    @ForEachBackend
    void fiveThousandStepsKeepResidentMemoryFlat(String backend) {
        Lightning.seedEverything(3);
        SamplingModule model = new SamplingModule();
        TensorDataset data = Synthetic.linear(320, 0.1, 4);
        try (Trainer trainer = Trainer.builder().backend(backend).maxSteps(STEPS).seed(1).enableSummary(false)
                .enableLogger(false).enableCheckpointing(false).build()) {
            trainer.fit(model, DataLoader.builder(data).batchSize(32).shuffle(true).build(), null);
            assertThat(trainer.globalStep()).isEqualTo(STEPS);
        }
        long growth = model.atEnd - model.afterWarmup;
        System.out.printf("[%s] RSS after warm-up %.1f MB, after %d steps %.1f MB, growth %.1f MB%n", backend,
                model.afterWarmup / 1e6, STEPS, model.atEnd / 1e6, growth / 1e6);
        assertThat(growth).as("RSS growth over %d steps on %s", STEPS, backend).isLessThan(LIMIT_BYTES);
    }
}
