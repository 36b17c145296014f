package dev.lightning4j.examples.cancer;

import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Log;
import dev.lightning4j.core.Optimization;
import dev.lightning4j.data.Batch;
import dev.lightning4j.metrics.AUROC;
import dev.lightning4j.metrics.Accuracy;
import dev.lightning4j.metrics.F1Score;
import dev.lightning4j.metrics.ScoreType;
import dev.lightning4j.nn.Dropout;
import dev.lightning4j.nn.Linear;
import dev.lightning4j.nn.ReLU;
import dev.lightning4j.nn.Sequential;
import dev.lightning4j.nn.functional.F;
import dev.lightning4j.optim.AdamW;
import dev.lightning4j.tensor.Tensor;

/**
 * An MLP that outputs the logit of malignancy, trained with binary cross-entropy. Validation and
 * test log accuracy, F1 (malignant is positive) and AUROC as epoch metrics accumulated over all
 * batches; each stage has its own metric objects so their states never mix.
 */
public final class BreastCancerClassifier extends LightningModule {
    private final Sequential net;
    private final double learningRate;
    private final Accuracy valAcc = Accuracy.binary(ScoreType.LOGITS, 0.5);
    private final F1Score valF1 = F1Score.binary(ScoreType.LOGITS, 0.5);
    private final AUROC valAuroc = new AUROC();
    private final Accuracy testAcc = Accuracy.binary(ScoreType.LOGITS, 0.5);
    private final F1Score testF1 = F1Score.binary(ScoreType.LOGITS, 0.5);
    private final AUROC testAuroc = new AUROC();

    /**
     * @param hidden       units of the two hidden layers
     * @param dropout      dropout after each hidden layer (a small data set overfits quickly)
     * @param learningRate AdamW's learning rate
     */
    public BreastCancerClassifier(int hidden, double dropout, double learningRate) {
        this.net = register("net", new Sequential(
                new Linear(BreastCancerData.FEATURES, hidden), new ReLU(), new Dropout(dropout),
                new Linear(hidden, hidden / 2), new ReLU(), new Dropout(dropout),
                new Linear(hidden / 2, 1)));
        this.learningRate = learningRate;
    }

    @Override
    public Tensor forward(Tensor x) {
        return net.forward(x);
    }

    @Override
    public Tensor trainingStep(Batch batch, int batchIdx) {
        Tensor loss = F.binaryCrossEntropyWithLogits(forward(batch.input()), batch.target());
        log("train_loss", loss, Log.progBar());
        return loss;
    }

    @Override
    public void validationStep(Batch batch, int batchIdx) {
        Tensor logits = forward(batch.input());
        log("val_loss", F.binaryCrossEntropyWithLogits(logits, batch.target()), Log.progBar());
        log("val_acc", valAcc.update(logits, batch.target()), Log.progBar());
        log("val_f1", valF1.update(logits, batch.target()));
        log("val_auroc", valAuroc.update(logits, batch.target()));
    }

    @Override
    public void testStep(Batch batch, int batchIdx) {
        Tensor logits = forward(batch.input());
        log("test_loss", F.binaryCrossEntropyWithLogits(logits, batch.target()));
        log("test_acc", testAcc.update(logits, batch.target()));
        log("test_f1", testF1.update(logits, batch.target()));
        log("test_auroc", testAuroc.update(logits, batch.target()));
    }

    @Override
    public Optimization configureOptimizers() {
        return Optimization.of(new AdamW(parameters(), learningRate));
    }
}
