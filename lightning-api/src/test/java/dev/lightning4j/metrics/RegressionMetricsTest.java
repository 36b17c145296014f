package dev.lightning4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** MAE, MSE, RMSE and R² from accumulated sums (hand-computed). */
class RegressionMetricsTest {

    @Test
    void meanErrorsWeighElementsNotBatches() {
        // Batch 1: preds [1, 2, 3], target [1, 1, 1]; batch 2: preds [0], target [4].
        MeanAbsoluteError mae = new MeanAbsoluteError();
        mae.accumulate(Stats.of().scalar("sum_abs_error", 3.0).scalar("count", 3L).map());
        mae.accumulate(Stats.of().scalar("sum_abs_error", 4.0).scalar("count", 1L).map());
        assertThat(mae.compute()).isCloseTo(7.0 / 4, within(1e-12)); // batch mean would be 2.5

        MeanSquaredError mse = new MeanSquaredError();
        RootMeanSquaredError rmse = new RootMeanSquaredError();
        for (MeanSquaredError m : new MeanSquaredError[] {mse, rmse}) {
            m.accumulate(Stats.of().scalar("sum_squared_error", 5.0).scalar("count", 3L).map());
            m.accumulate(Stats.of().scalar("sum_squared_error", 16.0).scalar("count", 1L).map());
        }
        assertThat(mse.compute()).isCloseTo(21.0 / 4, within(1e-12));
        assertThat(rmse.compute()).isCloseTo(Math.sqrt(21.0 / 4), within(1e-12));
        assertThat(new MeanSquaredError(false).compute()).isNaN();
        mae.reset();
        assertThat(mae.compute()).isNaN();
    }

    @Test
    void r2CentresOnTheEpochMean() {
        // y = [1, 2, 3, 4], preds = [1.5, 2, 2.5, 4.5]: SSE 0.75, SST 5, R² 0.85. Each batch alone
        // would centre on its own mean (SST 0.5 each) and give R² 0.5 and 0.
        R2Score r2 = new R2Score();
        r2.accumulate(Stats.of().doubles("sum_target", 3).doubles("sum_squared_target", 5)
                .doubles("sum_squared_error", 0.25).scalar("rows", 2L).map());
        r2.accumulate(Stats.of().doubles("sum_target", 7).doubles("sum_squared_target", 25)
                .doubles("sum_squared_error", 0.5).scalar("rows", 2L).map());
        assertThat(r2.compute()).isCloseTo(0.85, within(1e-12));
    }

    @Test
    void r2AveragesOutputsAndIsNaNWhenUndefined() {
        // Output 0 as above (0.85); output 1: y = [0, 0, 2, 2], SST 4, SSE 1 -> 0.75.
        R2Score r2 = new R2Score();
        r2.accumulate(Stats.of().doubles("sum_target", 10, 4).doubles("sum_squared_target", 30, 8)
                .doubles("sum_squared_error", 0.75, 1).scalar("rows", 4L).map());
        assertThat(r2.compute()).isCloseTo((0.85 + 0.75) / 2, within(1e-12));
        assertThatThrownBy(() -> r2.accumulate(Stats.of().doubles("sum_target", 1).doubles("sum_squared_target", 1)
                .doubles("sum_squared_error", 0).scalar("rows", 1L).map()))
                .hasMessageContaining("R2Score: a batch has 1 outputs, earlier ones had 2");
        R2Score constant = new R2Score();
        constant.accumulate(Stats.of().doubles("sum_target", 6).doubles("sum_squared_target", 12)
                .doubles("sum_squared_error", 1).scalar("rows", 3L).map());
        assertThat(constant.compute()).isNaN();
        constant.reset();
        assertThat(constant.compute()).isNaN();
    }
}
