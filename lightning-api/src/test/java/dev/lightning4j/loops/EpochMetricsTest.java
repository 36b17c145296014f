package dev.lightning4j.loops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lightning4j.core.Log;
import dev.lightning4j.core.RunningStage;
import dev.lightning4j.tensor.HostArray;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EpochMetricsTest {
    private static Map<String, HostArray> out(String name, float v) {
        return Map.of("log/" + name, HostArray.of(new float[] {v}));
    }

    @Test
    void trainingDefaultsToStepValuesOnly() {
        EpochMetrics m = new EpochMetrics(RunningStage.TRAINING);
        Map<String, Double> step = m.addStep(out("loss", 2f), Map.of("loss", Log.options()), 10);
        assertThat(step).containsEntry("loss", 2.0);
        assertThat(m.epochValues()).isEmpty();
    }

    @Test
    void validationDefaultsToABatchWeightedEpochMean() {
        EpochMetrics m = new EpochMetrics(RunningStage.VALIDATING);
        assertThat(m.addStep(out("val", 1f), Map.of("val", Log.options()), 30)).isEmpty();
        m.addStep(out("val", 4f), Map.of("val", Log.options()), 10);
        assertThat(m.epochValues()).containsEntry("val", (1.0 * 30 + 4.0 * 10) / 40);
    }

    @Test
    void bothOnGivesSuffixedNames() {
        EpochMetrics m = new EpochMetrics(RunningStage.TRAINING);
        Log both = Log.progBar().onStep(true).onEpoch(true);
        Map<String, Double> step = m.addStep(out("acc", 0.5f), Map.of("acc", both), 2);
        m.addStep(out("acc", 1f), Map.of("acc", both), 2);
        assertThat(step).containsOnlyKeys("acc_step");
        assertThat(m.epochValues()).containsEntry("acc_epoch", 0.75);
        assertThat(m.isProgBar("acc_epoch")).isTrue();
    }
}
