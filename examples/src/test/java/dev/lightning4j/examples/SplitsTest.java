package dev.lightning4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lightning4j.core.Stage;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.examples.cancer.BreastCancerData;
import dev.lightning4j.examples.cancer.BreastCancerDataModule;
import dev.lightning4j.examples.digits.DigitsData;
import dev.lightning4j.examples.digits.DigitsDataModule;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The data files parse, and the splits are disjoint, stratified and standardised on training data only. */
class SplitsTest {

    @Test
    void stratifiedSplitsAreDisjointAndKeepTheClassBalance() {
        int[] labels = IntStream.range(0, 100).map(i -> i < 30 ? 1 : 0).toArray();
        int[][] s = Splits.stratified(labels, 2, 0.7, 0.15, 5);
        assertThat(s[0]).hasSize(70);
        assertThat(s[1]).hasSize(16); // rounded per class: round(10.5) + round(4.5) = 11 + 5
        assertThat(s[2]).hasSize(14);
        int[] all = IntStream.concat(IntStream.concat(Arrays.stream(s[0]), Arrays.stream(s[1])), Arrays.stream(s[2]))
                .sorted().toArray();
        assertThat(all).isEqualTo(IntStream.range(0, 100).toArray());
        assertThat(Arrays.stream(s[0]).filter(i -> labels[i] == 1).count()).isEqualTo(21);
        assertThat(Splits.stratified(labels, 2, 0.7, 0.15, 5)[2]).isEqualTo(s[2]); // seeded
    }

    @Test
    void bundledDataHaveTheDocumentedSizes() {
        BreastCancerData cancer = BreastCancerData.bundled();
        assertThat(cancer.size()).isEqualTo(569);
        assertThat(Arrays.stream(cancer.labels()).filter(l -> l == 0).count()).as("malignant").isEqualTo(212);
        DigitsData digits = DigitsData.bundled();
        assertThat(digits.size()).isEqualTo(1797);
        assertThat(digits.pixels()[0]).hasSize(64);
    }

    @Test
    void cancerFeaturesAreStandardisedWithTrainingStatistics() {
        BreastCancerDataModule dm = new BreastCancerDataModule(BreastCancerData.bundled(), 32, 42);
        dm.setup(Stage.FIT);
        assertThat(dm.splitSizes()).containsExactly(398, 86, 85);
        assertThat(dm.malignantCounts()).containsExactly(148, 32, 32);
        float[] train = allInputs(dm.trainDataLoader().dataset());
        float[] val = allInputs(dm.valDataLoader().dataset());
        // Column 0 (mean radius): exactly standard on the training split, only roughly so elsewhere.
        assertThat(columnMean(train, 0)).isCloseTo(0, within(1e-5));
        assertThat(columnMean(val, 0)).isNotCloseTo(0, within(1e-3));
    }

    @Test
    void digitsAreImagesInTheUnitRange() {
        DigitsDataModule dm = new DigitsDataModule(DigitsData.bundled(), 32, 42);
        dm.setup(Stage.FIT);
        assertThat(dm.splitSizes()).containsExactly(1258, 269, 270);
        HostBatch b = dm.testDataLoader().dataset().batch(new int[] {0, 1});
        assertThat(b.fields().get("input").shape().dims()).containsExactly(2, 1, 8, 8);
        for (float v : b.fields().get("input").toFloatArray()) {
            assertThat(v).isBetween(0f, 1f);
        }
    }

    private static float[] allInputs(dev.lightning4j.data.Dataset d) {
        return d.batch(IntStream.range(0, d.size()).toArray()).fields().get("input").toFloatArray();
    }

    private static double columnMean(float[] rows, int col) {
        double s = 0;
        int n = rows.length / BreastCancerData.FEATURES;
        for (int i = 0; i < n; i++) {
            s += rows[i * BreastCancerData.FEATURES + col];
        }
        return s / n;
    }
}
