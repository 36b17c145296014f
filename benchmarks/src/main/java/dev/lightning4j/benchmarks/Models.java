package dev.lightning4j.benchmarks;

import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Log;
import dev.lightning4j.core.Optimization;
import dev.lightning4j.data.Batch;
import dev.lightning4j.nn.Conv2d;
import dev.lightning4j.nn.Flatten;
import dev.lightning4j.nn.Linear;
import dev.lightning4j.nn.MaxPool2d;
import dev.lightning4j.nn.ReLU;
import dev.lightning4j.nn.Sequential;
import dev.lightning4j.nn.functional.F;
import dev.lightning4j.optim.Adam;
import dev.lightning4j.tensor.Tensor;

/** The benchmarked models, written as a user would write them. */
final class Models {
    static final double LR = 1e-3;

    private Models() {
    }

    /** A classifier: the network, cross-entropy, Adam(lr 1e-3), the loss logged to the progress bar. */
    static final class Classifier extends LightningModule {
        private final Sequential net;

        Classifier(Sequential net) {
            this.net = register("net", net);
        }

        @Override
        public Tensor forward(Tensor x) {
            return net.forward(x);
        }

        @Override
        public Tensor trainingStep(Batch batch, int batchIdx) {
            Tensor loss = F.crossEntropy(forward(batch.input()), batch.target());
            log("train_loss", loss, Log.progBar());
            return loss;
        }

        @Override
        public Optimization configureOptimizers() {
            return Optimization.of(new Adam(parameters(), LR));
        }
    }

    /** MLP 784-512-512-10. Parameters: net.0.weight [512,784], net.0.bias, net.2.*, net.4.*. */
    static Classifier mlp() {
        return new Classifier(new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 512), new ReLU(),
                new Linear(512, 10)));
    }

    /**
     * A small CNN on [N,1,28,28]: conv 1->16 3x3 pad 1, ReLU, maxpool 2, conv 16->32 3x3 pad 1, ReLU,
     * maxpool 2, flatten (32*7*7 = 1568), linear 1568->10.
     */
    static Classifier cnn() {
        return new Classifier(new Sequential(new Conv2d(1, 16, 3, 1, 1), new ReLU(), new MaxPool2d(2),
                new Conv2d(16, 32, 3, 1, 1), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(32 * 7 * 7, 10)));
    }
}
