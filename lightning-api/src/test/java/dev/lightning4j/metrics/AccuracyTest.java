package dev.lightning4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Accuracy and the confusion matrix accumulate counts across batches. */
class AccuracyTest {

    @Test
    void binaryAccuracyWeighsExamplesNotBatches() {
        Accuracy a = Accuracy.binary();
        a.accumulate(Stats.of().scalar("correct", 9L).scalar("support", 10L).scalar("invalid", 0L).map());
        a.accumulate(Stats.of().scalar("correct", 0L).scalar("support", 2L).scalar("invalid", 0L).map());
        // The mean of the batch accuracies would be 0.45.
        assertThat(a.compute()).isCloseTo(9.0 / 12, within(1e-12));
        a.reset();
        assertThat(a.compute()).isNaN();
    }

    @Test
    void multiclassMicroAndMacro() {
        // Three classes; class 2 never occurs but is predicted once (so macro top-1 counts it with recall 0).
        Accuracy micro = Accuracy.multiclass(3);
        Accuracy macro = Accuracy.multiclass(3, Average.MACRO, 1);
        for (Accuracy a : new Accuracy[] {micro, macro}) {
            a.accumulate(Stats.of().longs("correct", 2, 1, 0).longs("support", 3, 1, 0).longs("predicted", 2, 1, 1)
                    .scalar("invalid", 0L).map());
            a.accumulate(Stats.of().longs("correct", 0, 1, 0).longs("support", 1, 3, 0).longs("predicted", 2, 2, 0)
                    .scalar("invalid", 0L).map());
        }
        assertThat(micro.compute()).isCloseTo(4.0 / 8, within(1e-12));
        assertThat(macro.compute()).isCloseTo((2.0 / 4 + 2.0 / 4 + 0) / 3, within(1e-12));
    }

    @Test
    void topKMacroLeavesOutClassesWithoutExamples() {
        Accuracy a = Accuracy.multiclass(3, Average.MACRO, 2);
        a.accumulate(Stats.of().longs("correct", 3, 1, 0).longs("support", 3, 2, 0).longs("predicted", 2, 2, 1)
                .scalar("invalid", 0L).map());
        assertThat(a.compute()).isCloseTo((1 + 0.5) / 2, within(1e-12));
        assertThat(a.name()).isEqualTo("Accuracy(top-2)");
    }

    @Test
    void optionsAndOutOfRangeLabelsFailWithTheMetricName() {
        assertThatThrownBy(() -> Accuracy.multiclass(3, Average.MICRO, 4)).hasMessageContaining("Accuracy: topK must be in [1, 3]");
        assertThatThrownBy(() -> Accuracy.multiclass(5).accumulate(Stats.of().longs("correct", 0, 0, 0, 0, 0)
                .longs("support", 0, 0, 0, 0, 0).longs("predicted", 0, 0, 0, 0, 0).scalar("invalid", 1L).map()))
                .hasMessageContaining("Accuracy: 1 targets or predicted labels in the batch are outside [0, 5)");
    }

    @Test
    void confusionMatrixAddsTablesAndComputesAccuracy() {
        ConfusionMatrix cm = ConfusionMatrix.multiclass(3);
        cm.accumulate(Stats.of().longs("counts", 2, 1, 0, 0, 1, 0, 0, 0, 1).scalar("invalid", 0L).map());
        cm.accumulate(Stats.of().longs("counts", 1, 0, 0, 0, 0, 2, 0, 0, 3).scalar("invalid", 0L).map());
        assertThat(cm.matrix()).isEqualTo(new long[][] {{3, 1, 0}, {0, 1, 2}, {0, 0, 4}});
        assertThat(cm.compute()).isCloseTo(8.0 / 11, within(1e-12));
        assertThat(cm.normalizedByActual()[1]).containsExactly(0, 1.0 / 3, 2.0 / 3);
        cm.reset();
        assertThat(cm.compute()).isNaN();
        assertThat(ConfusionMatrix.binary().numClasses()).isEqualTo(2);
    }
}
