package dev.lightning4j.it;

import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Log;
import dev.lightning4j.core.Optimization;
import dev.lightning4j.data.Batch;
import dev.lightning4j.nn.Linear;
import dev.lightning4j.nn.ReLU;
import dev.lightning4j.nn.Sequential;
import dev.lightning4j.nn.functional.F;
import dev.lightning4j.optim.SGD;
import dev.lightning4j.tensor.Tensor;

/** A small regression model used by the end-to-end tests: written once, run on every engine. */
class LinearRegressionModule extends LightningModule {
    final Sequential net;
    private final double lr;

    LinearRegressionModule(int features, int hidden, double lr) {
        this.net = register("net", hidden == 0
                ? new Sequential(new Linear(features, 1))
                : new Sequential(new Linear(features, hidden), new ReLU(), new Linear(hidden, 1)));
        this.lr = lr;
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
        log("test_mae", F.l1Loss(forward(batch.input()), batch.target()));
    }

    @Override
    public Optimization configureOptimizers() {
        return Optimization.of(SGD.builder(parameters()).lr(lr).momentum(0.9).build());
    }
}
