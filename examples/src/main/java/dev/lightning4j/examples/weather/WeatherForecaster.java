package dev.lightning4j.examples.weather;

import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Log;
import dev.lightning4j.core.Optimization;
import dev.lightning4j.data.Batch;
import dev.lightning4j.metrics.MeanAbsoluteError;
import dev.lightning4j.metrics.RootMeanSquaredError;
import dev.lightning4j.nn.LSTM;
import dev.lightning4j.nn.Linear;
import dev.lightning4j.nn.functional.F;
import dev.lightning4j.optim.Adam;
import dev.lightning4j.tensor.Tensor;

/**
 * Predicts tomorrow's maximum temperature from the previous days' weather with an LSTM over the
 * window ({@code [batch, days, features]}, batch first) and a linear head on its last hidden state.
 *
 * <p>The head predicts a correction to persistence: the output is today's (standardised) maximum
 * plus the head's value. Target and temp_max feature are standardised with the same statistics,
 * so persistence is where training starts and the network only has to learn how tomorrow differs
 * from today, which is the hard part of the problem and a much smaller signal.
 *
 * <p>Training minimises the Huber loss (robust to the few extreme days while close to the MAE that
 * is reported); validation and test log MAE and RMSE in °C through the accumulating metrics.
 */
public final class WeatherForecaster extends LightningModule {
    /** Index of temp_max among the day features (see {@link WeatherDataModule}). */
    static final int TEMP_MAX = 1;

    private final LSTM lstm;
    private final Linear head;
    private final double targetStd;
    private final double learningRate;
    private final MeanAbsoluteError valMae = new MeanAbsoluteError();
    private final MeanAbsoluteError testMae = new MeanAbsoluteError();
    private final RootMeanSquaredError testRmse = new RootMeanSquaredError();

    /**
     * @param features     features per day
     * @param hidden       LSTM hidden units
     * @param targetStd    the standard deviation used to standardise the target (°C)
     * @param learningRate Adam's learning rate
     */
    public WeatherForecaster(int features, int hidden, double targetStd, double learningRate) {
        this.lstm = register("lstm", new LSTM(features, hidden, 1, true));
        this.head = register("head", new Linear(hidden, 1));
        this.targetStd = targetStd;
        this.learningRate = learningRate;
    }

    @Override
    public Tensor forward(Tensor days) {
        Tensor last = lstm.forward(days).select(1, -1); // [batch, hidden]: the state after the last day
        Tensor today = days.select(1, -1).slice(1, TEMP_MAX, TEMP_MAX + 1); // [batch, 1]
        return today.add(head.forward(last));
    }

    @Override
    public Tensor trainingStep(Batch batch, int batchIdx) {
        Tensor loss = F.huberLoss(forward(batch.input()), batch.target());
        log("train_loss", loss, Log.progBar());
        return loss;
    }

    @Override
    public void validationStep(Batch batch, int batchIdx) {
        Tensor celsius = forward(batch.input()).mul(targetStd);
        log("val_mae_c", valMae.update(celsius, batch.target().mul(targetStd)), Log.progBar());
    }

    @Override
    public void testStep(Batch batch, int batchIdx) {
        Tensor celsius = forward(batch.input()).mul(targetStd);
        Tensor actual = batch.target().mul(targetStd);
        log("test_mae_c", testMae.update(celsius, actual));
        log("test_rmse_c", testRmse.update(celsius, actual));
    }

    @Override
    public Optimization configureOptimizers() {
        return Optimization.of(new Adam(parameters(), learningRate));
    }
}
