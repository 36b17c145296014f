package dev.lightning4j.examples.weather;

import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Log;
import dev.lightning4j.core.Optimization;
import dev.lightning4j.data.Batch;
import dev.lightning4j.nn.Flatten;
import dev.lightning4j.nn.Linear;
import dev.lightning4j.nn.ReLU;
import dev.lightning4j.nn.Sequential;
import dev.lightning4j.nn.functional.F;
import dev.lightning4j.optim.Adam;
import dev.lightning4j.tensor.Tensor;

/**
 * Predicts tomorrow's maximum temperature from the previous days' weather with a small MLP over
 * the flattened window. Errors are logged in °C by undoing the target's standardisation.
 */
public final class WeatherForecaster extends LightningModule {
    private final Sequential net;
    private final double targetStd;
    private final double learningRate;

    /**
     * @param window      days per input window
     * @param features    features per day
     * @param hidden      hidden units
     * @param targetStd   the standard deviation used to standardise the target (°C)
     * @param learningRate Adam's learning rate
     */
    public WeatherForecaster(int window, int features, int hidden, double targetStd, double learningRate) {
        this.net = register("net", new Sequential(
                new Flatten(1),
                new Linear(window * features, hidden),
                new ReLU(),
                new Linear(hidden, hidden),
                new ReLU(),
                new Linear(hidden, 1)));
        this.targetStd = targetStd;
        this.learningRate = learningRate;
    }

    @Override
    public Tensor forward(Tensor days) {
        return net.forward(days);
    }

    @Override
    public Tensor trainingStep(Batch batch, int batchIdx) {
        Tensor loss = F.mseLoss(forward(batch.input()), batch.target());
        log("train_loss", loss, Log.progBar());
        return loss;
    }

    @Override
    public void validationStep(Batch batch, int batchIdx) {
        log("val_mae_c", F.l1Loss(forward(batch.input()), batch.target()).mul(targetStd), Log.progBar());
    }

    @Override
    public void testStep(Batch batch, int batchIdx) {
        log("test_mae_c", F.l1Loss(forward(batch.input()), batch.target()).mul(targetStd));
    }

    @Override
    public Optimization configureOptimizers() {
        return Optimization.of(new Adam(parameters(), learningRate));
    }
}
