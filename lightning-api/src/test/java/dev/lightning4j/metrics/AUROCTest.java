package dev.lightning4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The exact ROC AUC over all accumulated scores, with sklearn's handling of ties. */
class AUROCTest {

    private static AUROC of(float[][] scores, float[][] targets) {
        AUROC m = new AUROC();
        for (int i = 0; i < scores.length; i++) {
            m.accumulate(Stats.of().floats("scores", scores[i]).floats("target", targets[i]).map());
        }
        return m;
    }

    @Test
    void sklearnsDocumentationExample() {
        // roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
        AUROC m = of(new float[][] {{0.1f, 0.4f}, {0.35f, 0.8f}}, new float[][] {{0, 0}, {1, 1}});
        assertThat(m.compute()).isCloseTo(0.75, within(1e-12));
        assertThat(m.examples()).isEqualTo(4);
    }

    @Test
    void tiesFormOneDiagonalSegment() {
        // Positives {0.5, 0.9, 0.5}, negatives {0.2, 0.5}. ROC points (fpr, tpr): (0,0) (0,1/3) (1/2,1) (1,1);
        // trapezoids: 1/2 * (1/3 + 1) / 2 + 1/2 * 1 = 5/6.
        AUROC m = of(new float[][] {{0.2f, 0.5f}, {0.5f}, {0.9f, 0.5f}}, new float[][] {{0, 1}, {0}, {1, 1}});
        assertThat(m.compute()).isCloseTo(5.0 / 6, within(1e-12));
        // All scores tied: the curve is the diagonal.
        assertThat(of(new float[][] {{0.3f, 0.3f, 0.3f, 0.3f}}, new float[][] {{0, 1, 0, 1}}).compute()).isEqualTo(0.5);
    }

    @Test
    void perfectAndReversedRankings() {
        assertThat(of(new float[][] {{-2f, -1f, 3f, 4f}}, new float[][] {{0, 0, 1, 1}}).compute()).isEqualTo(1.0);
        assertThat(of(new float[][] {{-2f, -1f, 3f, 4f}}, new float[][] {{1, 1, 0, 0}}).compute()).isEqualTo(0.0);
    }

    @Test
    void matchesAPairwiseCountOnRandomScoresWithManyTies() {
        java.util.Random rnd = new java.util.Random(3);
        int n = 500;
        float[] s = new float[n];
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            t[i] = rnd.nextInt(3) == 0 ? 1 : 0;
            s[i] = rnd.nextInt(20) / 20f + t[i] * 0.1f; // few distinct values: many ties
        }
        double wins = 0;
        int pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (t[i] == 1 && t[j] == 0) {
                    pairs++;
                    wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                }
            }
        }
        AUROC m = of(new float[][] {java.util.Arrays.copyOf(s, 200), java.util.Arrays.copyOfRange(s, 200, n)},
                new float[][] {java.util.Arrays.copyOf(t, 200), java.util.Arrays.copyOfRange(t, 200, n)});
        assertThat(m.compute()).isCloseTo(wins / pairs, within(1e-12));
    }

    @Test
    void undefinedCasesAreNaNAndBadTargetsAreNamed() {
        assertThat(new AUROC().compute()).isNaN();
        assertThat(of(new float[][] {{0.1f, 0.9f}}, new float[][] {{1, 1}}).compute()).isNaN();
        assertThat(of(new float[][] {{Float.NaN, 0.9f}}, new float[][] {{0, 1}}).compute()).isNaN();
        assertThatThrownBy(() -> of(new float[][] {{0.1f}}, new float[][] {{2}}))
                .hasMessageContaining("AUROC: targets must be 0 or 1, got 2.0");
        AUROC m = of(new float[][] {{0.1f, 0.9f}}, new float[][] {{0, 1}});
        m.reset();
        assertThat(m.examples()).isZero();
        assertThat(m.compute()).isNaN();
    }
}
