package dev.lightning4j.cli;

import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Log;
import dev.lightning4j.core.Optimization;
import dev.lightning4j.data.Batch;
import dev.lightning4j.nn.Linear;
import dev.lightning4j.nn.Sequential;
import dev.lightning4j.nn.Tanh;
import dev.lightning4j.nn.functional.F;
import dev.lightning4j.optim.Adam;
import dev.lightning4j.tensor.Tensor;

/** A small MLP regressor, configured by YAML in the tests. */
public final class TinyRegressor extends LightningModule {
    private final Sequential net;
    private final double learningRate;

    /** An MLP {@code inputs -> hidden -> 1} trained with Adam at {@code learningRate}. */
    public TinyRegressor(int inputs, int hidden, double learningRate) {
        this.net = register("net", new Sequential(new Linear(inputs, hidden), new Tanh(), new Linear(hidden, 1)));
        this.learningRate = learningRate;
    }

    @Override
    public Tensor forward(Tensor x) {
        return net.forward(x);
    }

    @Override
    public Tensor trainingStep(Batch batch, int batchIdx) {
        Tensor loss = F.mseLoss(forward(batch.input()), batch.target());
        log("train_loss", loss, Log.progBar());
        return loss;
    }

    @Override
    public void validationStep(Batch batch, int batchIdx) {
        log("val_loss", F.mseLoss(forward(batch.input()), batch.target()));
    }

    @Override
    public void testStep(Batch batch, int batchIdx) {
        log("test_loss", F.mseLoss(forward(batch.input()), batch.target()));
    }

    @Override
    public Optimization configureOptimizers() {
        return Optimization.of(new Adam(parameters(), learningRate));
    }
}
