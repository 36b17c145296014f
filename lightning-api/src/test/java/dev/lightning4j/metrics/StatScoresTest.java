package dev.lightning4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Precision, recall and F1 accumulate counts and compute from the totals (hand-computed values). */
class StatScoresTest {

    /** Batch 1: tp 2, fp 1, fn 1 of 6; batch 2: tp 1, fp 0, fn 2 of 4. Totals: tp 3, fp 1, fn 3. */
    private static <M extends StatScores> M twoBinaryBatches(M m) {
        m.accumulate(Stats.binary(2, 1, 1, 6));
        m.accumulate(Stats.binary(1, 0, 2, 4));
        return m;
    }

    @Test
    void binaryScoresComeFromTheTotalsNotFromBatchMeans() {
        // Averaging per-batch precisions would give (2/3 + 1) / 2 = 0.833.
        assertThat(twoBinaryBatches(Precision.binary()).compute()).isCloseTo(3.0 / 4, within(1e-12));
        assertThat(twoBinaryBatches(Recall.binary()).compute()).isCloseTo(3.0 / 6, within(1e-12));
        assertThat(twoBinaryBatches(F1Score.binary()).compute()).isCloseTo(2.0 * 3 / (2 * 3 + 1 + 3), within(1e-12));
        assertThat(twoBinaryBatches(F1Score.binary()).examples()).isEqualTo(10);
    }

    @Test
    void noPredictedOrActualPositivesGiveZeroAsTorchmetricsZeroDivision() {
        Precision p = Precision.binary();
        p.accumulate(Stats.binary(0, 0, 2, 5)); // nothing predicted positive
        assertThat(p.compute()).isZero();
        Recall r = Recall.binary();
        r.accumulate(Stats.binary(0, 3, 0, 5)); // no actual positives
        assertThat(r.compute()).isZero();
        F1Score f = F1Score.binary();
        f.accumulate(Stats.binary(0, 0, 0, 5)); // all true negatives
        assertThat(f.compute()).isZero();
    }

    @Test
    void nothingAccumulatedIsNaNAndResetClears() {
        Precision p = Precision.binary();
        assertThat(p.compute()).isNaN();
        twoBinaryBatches(p).reset();
        assertThat(p.compute()).isNaN();
        p.accumulate(Stats.binary(1, 1, 0, 2));
        assertThat(p.compute()).isEqualTo(0.5);
    }

    /**
     * Four classes; class 1 is never predicted (precision 0 by zero division, but it counts), class
     * 3 neither occurs nor is predicted (left out of macro means, as torchmetrics). Totals:
     * tp [2, 0, 1, 0], fp [1, 0, 1, 0], fn [0, 1, 1, 0], split over two batches.
     */
    private static <M extends StatScores> M fourClasses(M m) {
        m.accumulate(Stats.of().longs("tp", 1, 0, 1, 0).longs("fp", 1, 0, 0, 0).longs("fn", 0, 1, 0, 0)
                .scalar("examples", 3L).scalar("invalid", 0L).map());
        m.accumulate(Stats.of().longs("tp", 1, 0, 0, 0).longs("fp", 0, 0, 1, 0).longs("fn", 0, 0, 1, 0)
                .scalar("examples", 2L).scalar("invalid", 0L).map());
        return m;
    }

    @Test
    void multiclassMacroSkipsAbsentClassesAndCountsUnpredictedOnesAsZero() {
        assertThat(fourClasses(Precision.multiclass(4, Average.MACRO)).compute())
                .isCloseTo((2.0 / 3 + 0 + 1.0 / 2) / 3, within(1e-12));
        assertThat(fourClasses(Recall.multiclass(4, Average.MACRO)).compute())
                .isCloseTo((1 + 0 + 0.5) / 3, within(1e-12));
        assertThat(fourClasses(F1Score.multiclass(4, Average.MACRO)).compute())
                .isCloseTo((4.0 / 5 + 0 + 2.0 / 4) / 3, within(1e-12));
        assertThat(fourClasses(Precision.multiclass(4, Average.MACRO)).perClass())
                .containsExactly(2.0 / 3, 0, 0.5, 0);
    }

    @Test
    void multiclassMicroEqualsAccuracyForSingleLabelData() {
        assertThat(fourClasses(Precision.multiclass(4, Average.MICRO)).compute()).isCloseTo(3.0 / 5, within(1e-12));
        assertThat(fourClasses(Recall.multiclass(4, Average.MICRO)).compute()).isCloseTo(3.0 / 5, within(1e-12));
        assertThat(fourClasses(F1Score.multiclass(4, Average.MICRO)).compute()).isCloseTo(3.0 / 5, within(1e-12));
    }

    @Test
    void badStatisticsAndOptionsAreNamed() {
        assertThatThrownBy(() -> Precision.binary().accumulate(Stats.of().scalar("tp", 1L).scalar("invalid", 0L).map()))
                .hasMessageContaining("Precision").hasMessageContaining("'fp'");
        assertThatThrownBy(() -> Recall.multiclass(3, Average.MACRO).accumulate(Stats.of().longs("tp", 1, 0)
                .longs("fp", 0, 0).longs("fn", 0, 0).scalar("examples", 1L).scalar("invalid", 0L).map()))
                .hasMessageContaining("Recall").hasMessageContaining("should have 3 values");
        assertThatThrownBy(() -> F1Score.binary().accumulate(Stats.of().scalar("tp", 1L).scalar("fp", 0L)
                .scalar("fn", 0L).scalar("examples", 3L).scalar("invalid", 2L).map()))
                .hasMessageContaining("F1Score").hasMessageContaining("2 targets in the batch are not 0 or 1");
        assertThatThrownBy(() -> Precision.binary(ScoreType.LOGITS, 1.0))
                .hasMessageContaining("Precision").hasMessageContaining("threshold");
        assertThatThrownBy(() -> Recall.multiclass(1, Average.MICRO)).hasMessageContaining("numClasses must be at least 2");
    }
}
