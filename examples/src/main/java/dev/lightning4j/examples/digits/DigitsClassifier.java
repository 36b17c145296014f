package dev.lightning4j.examples.digits;

import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Log;
import dev.lightning4j.core.Optimization;
import dev.lightning4j.data.Batch;
import dev.lightning4j.metrics.Accuracy;
import dev.lightning4j.metrics.Average;
import dev.lightning4j.metrics.ConfusionMatrix;
import dev.lightning4j.metrics.F1Score;
import dev.lightning4j.nn.BatchNorm2d;
import dev.lightning4j.nn.Conv2d;
import dev.lightning4j.nn.Dropout;
import dev.lightning4j.nn.Flatten;
import dev.lightning4j.nn.Linear;
import dev.lightning4j.nn.MaxPool2d;
import dev.lightning4j.nn.ReLU;
import dev.lightning4j.nn.Sequential;
import dev.lightning4j.nn.functional.F;
import dev.lightning4j.optim.Adam;
import dev.lightning4j.tensor.Tensor;

/**
 * A small CNN for 8×8 digits: two 3×3 convolutions with batch normalisation, one 2×2 max pool
 * (8×8 is too small to pool twice without losing the strokes), then a two-layer classifier head.
 * Validation logs accuracy; test logs accuracy, macro F1 and a confusion matrix.
 */
public final class DigitsClassifier extends LightningModule {
    private final Sequential net;
    private final double learningRate;
    private final Accuracy valAcc = Accuracy.multiclass(DigitsData.CLASSES);
    private final Accuracy testAcc = Accuracy.multiclass(DigitsData.CLASSES);
    private final F1Score testF1 = F1Score.multiclass(DigitsData.CLASSES, Average.MACRO);
    private final ConfusionMatrix testConfusion = ConfusionMatrix.multiclass(DigitsData.CLASSES);

    /**
     * @param channels     channels of the first convolution (the second has twice as many)
     * @param learningRate Adam's learning rate
     */
    public DigitsClassifier(int channels, double learningRate) {
        int c2 = 2 * channels;
        this.net = register("net", new Sequential(
                new Conv2d(1, channels, 3, 1, 1), new BatchNorm2d(channels), new ReLU(),
                new Conv2d(channels, c2, 3, 1, 1), new BatchNorm2d(c2), new ReLU(),
                new MaxPool2d(2),
                new Flatten(1),
                new Linear(c2 * 4 * 4, 64), new ReLU(), new Dropout(0.25),
                new Linear(64, DigitsData.CLASSES)));
        this.learningRate = learningRate;
    }

    @Override
    public Tensor forward(Tensor images) {
        return net.forward(images);
    }

    @Override
    public Tensor trainingStep(Batch batch, int batchIdx) {
        Tensor loss = F.crossEntropy(forward(batch.input()), batch.target());
        log("train_loss", loss, Log.progBar());
        return loss;
    }

    @Override
    public void validationStep(Batch batch, int batchIdx) {
        Tensor logits = forward(batch.input());
        log("val_loss", F.crossEntropy(logits, batch.target()));
        log("val_acc", valAcc.update(logits, batch.target()), Log.progBar());
    }

    @Override
    public void testStep(Batch batch, int batchIdx) {
        Tensor logits = forward(batch.input());
        log("test_acc", testAcc.update(logits, batch.target()));
        log("test_f1_macro", testF1.update(logits, batch.target()));
        log("test_confusion_acc", testConfusion.update(logits, batch.target()));
    }

    /** The test confusion matrix, {@code [actual][predicted]}, after {@code trainer.test}. */
    public long[][] testConfusionMatrix() {
        return testConfusion.matrix();
    }

    @Override
    public Optimization configureOptimizers() {
        return Optimization.of(new Adam(parameters(), learningRate));
    }
}
