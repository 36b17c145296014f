package dev.lightning4j.examples.cancer;

import dev.lightning4j.core.Lightning;
import dev.lightning4j.core.Stage;
import dev.lightning4j.examples.Args;
import dev.lightning4j.trainer.Trainer;
import java.util.Map;

/**
 * Classifies breast-cancer biopsies as malignant or benign with an MLP on the 30 Wisconsin
 * Diagnostic features, and reports test accuracy, F1 (malignant = positive) and AUROC.
 *
 * <p>Arguments (all optional): {@code --backend=pytorch|tensorflow --epochs=N --seed=S}. Without
 * {@code --backend}, {@code -Dlightning.backend} or {@code LIGHTNING_BACKEND} decide, else pytorch.
 */
public final class BreastCancerApp {
    private BreastCancerApp() {
    }

    /**
     * What a run reports.
     *
     * @param backend     the engine's name
     * @param splitSizes  train, validation and test samples
     * @param accuracy    test accuracy
     * @param f1          test F1 of the malignant class
     * @param auroc       test area under the ROC curve
     * @param loss        test binary cross-entropy
     */
    public record Result(String backend, int[] splitSizes, double accuracy, double f1, double auroc, double loss) {
    }

    /** Runs the example. */
    public static void main(String[] args) {
        Map<String, String> opts = Args.parse(args, "backend", "epochs", "seed");
        Result r = run(opts.get("backend"), Integer.parseInt(opts.getOrDefault("epochs", "40")),
                Long.parseLong(opts.getOrDefault("seed", "42")), false);
        System.out.printf("Breast cancer test (%d samples) on %s: accuracy %.4f | F1 (malignant) %.4f | AUROC %.4f%n",
                r.splitSizes()[2], r.backend(), r.accuracy(), r.f1(), r.auroc());
    }

    /**
     * Trains on the training split, validating each epoch, then tests once.
     *
     * @param backend the engine, or null for the configured default
     * @param epochs  training epochs
     * @param seed    seeds the split, the initial weights and the shuffling
     * @param quiet   no progress bar, summary, logs or checkpoints (for tests)
     */
    public static Result run(String backend, int epochs, long seed, boolean quiet) {
        Lightning.seedEverything(seed);
        BreastCancerDataModule dm = new BreastCancerDataModule(BreastCancerData.bundled(), 32, seed);
        dm.setup(Stage.FIT);
        BreastCancerClassifier model = new BreastCancerClassifier(32, 0.2, 1e-3);
        Trainer.Builder builder = Trainer.builder().backend(backend).maxEpochs(epochs).seed(seed);
        if (quiet) {
            builder.enableProgressBar(false).enableSummary(false).enableLogger(false).enableCheckpointing(false);
        }
        try (Trainer trainer = builder.build()) {
            int[] sizes = dm.splitSizes();
            int[] malignant = dm.malignantCounts();
            if (!quiet) {
                System.out.printf("Breast cancer on %s: %d train / %d val / %d test samples (%d / %d / %d malignant), %d parameters%n",
                        trainer.backend().name(), sizes[0], sizes[1], sizes[2], malignant[0], malignant[1], malignant[2],
                        model.numParameters());
            }
            trainer.fit(model, dm);
            Map<String, Double> test = trainer.test(model, dm);
            return new Result(trainer.backend().name(), sizes, test.get("test_acc"), test.get("test_f1"),
                    test.get("test_auroc"), test.get("test_loss"));
        }
    }
}
