package dev.lightning4j.examples.digits;

import dev.lightning4j.core.Lightning;
import dev.lightning4j.core.Stage;
import dev.lightning4j.examples.Args;
import dev.lightning4j.trainer.Trainer;
import java.util.Map;

/**
 * Recognises 8×8 handwritten digits with a small CNN and reports test accuracy, macro F1 and the
 * confusion matrix.
 *
 * <p>Arguments (all optional): {@code --backend=pytorch|tensorflow --epochs=N --seed=S}. Without
 * {@code --backend}, {@code -Dlightning.backend} or {@code LIGHTNING_BACKEND} decide, else pytorch.
 */
public final class DigitsApp {
    private DigitsApp() {
    }

    /**
     * What a run reports.
     *
     * @param backend    the engine's name
     * @param splitSizes train, validation and test images
     * @param accuracy   test accuracy
     * @param f1Macro    test macro F1
     * @param confusion  test confusion matrix {@code [actual][predicted]}
     */
    public record Result(String backend, int[] splitSizes, double accuracy, double f1Macro, long[][] confusion) {
    }

    /** Runs the example. */
    public static void main(String[] args) {
        Map<String, String> opts = Args.parse(args, "backend", "epochs", "seed");
        Result r = run(opts.get("backend"), Integer.parseInt(opts.getOrDefault("epochs", "15")),
                Long.parseLong(opts.getOrDefault("seed", "42")), false);
        System.out.println("Test confusion matrix (rows: actual digit, columns: predicted):");
        for (int d = 0; d < r.confusion().length; d++) {
            StringBuilder row = new StringBuilder("  " + d + " |");
            for (long v : r.confusion()[d]) {
                row.append(String.format("%4d", v));
            }
            System.out.println(row);
        }
        System.out.printf("Digits test (%d images) on %s: accuracy %.4f | macro F1 %.4f%n",
                r.splitSizes()[2], r.backend(), r.accuracy(), r.f1Macro());
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
        DigitsDataModule dm = new DigitsDataModule(DigitsData.bundled(), 32, seed);
        dm.setup(Stage.FIT);
        DigitsClassifier model = new DigitsClassifier(16, 2e-3);
        Trainer.Builder builder = Trainer.builder().backend(backend).maxEpochs(epochs).seed(seed);
        if (quiet) {
            builder.enableProgressBar(false).enableSummary(false).enableLogger(false).enableCheckpointing(false);
        }
        try (Trainer trainer = builder.build()) {
            int[] sizes = dm.splitSizes();
            if (!quiet) {
                System.out.printf("Digits on %s: %d train / %d val / %d test images, %d parameters%n",
                        trainer.backend().name(), sizes[0], sizes[1], sizes[2], model.numParameters());
            }
            trainer.fit(model, dm);
            Map<String, Double> test = trainer.test(model, dm);
            return new Result(trainer.backend().name(), sizes, test.get("test_acc"), test.get("test_f1_macro"),
                    model.testConfusionMatrix());
        }
    }
}
