package dev.lightning4j.testkit;

import dev.lightning4j.backend.Backends;
import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Lightning;
import dev.lightning4j.data.LightningDataModule;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.trainer.Trainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Trains a user's module on every engine from the same seed and data order and compares the runs:
 * per-step training losses and final weights. For tests of your own models:
 *
 * <pre>{@code
 * EngineParity.of(() -> new MyModel(16), () -> new MyDataModule())
 *         .steps(50)
 *         .assertParity();           // losses within 1e-4 relative, weights within 1e-3
 * }</pre>
 *
 * <p>Tolerances: a step's loss {@code a} matches the reference {@code b} when
 * {@code |a - b| <= lossTolerance * max(|b|, 1e-6)}; a weight matches when
 * {@code |a - b| <= weightTolerance * max(|b|, 1)}. The first backend listed is the reference.
 * float32 on two engines differs by about 1e-6 per op, growing slowly with steps; models with
 * dropout differ by design (masks are reproducible per engine, not across engines).
 */
public final class EngineParity {
    private final Supplier<? extends LightningModule> module;
    private final Supplier<? extends LightningDataModule> data;
    private List<String> backends;
    private long seed = 42;
    private int steps = 50;
    private double lossTolerance = 1e-4;
    private double weightTolerance = 1e-3;
    private Consumer<Trainer.Builder> trainerOptions = b -> { };

    private EngineParity(Supplier<? extends LightningModule> module, Supplier<? extends LightningDataModule> data) {
        this.module = Objects.requireNonNull(module, "module");
        this.data = Objects.requireNonNull(data, "data");
        this.backends = new ArrayList<>(Backends.installed().keySet());
    }

    /**
     * A comparison of the modules {@code module} builds (called once per engine, after seeding)
     * trained on {@code data}.
     */
    public static EngineParity of(Supplier<? extends LightningModule> module, Supplier<? extends LightningDataModule> data) {
        return new EngineParity(module, data);
    }

    /** The engines to compare, the first being the reference (default: all installed). */
    public EngineParity backends(String... names) {
        this.backends = List.of(names);
        return this;
    }

    /** The seed for initial weights and data order (default 42). */
    public EngineParity seed(long s) {
        this.seed = s;
        return this;
    }

    /** Optimizer steps to train (default 50). */
    public EngineParity steps(int n) {
        this.steps = n;
        return this;
    }

    /** Relative tolerance on each step's loss (default 1e-4). */
    public EngineParity lossTolerance(double t) {
        this.lossTolerance = t;
        return this;
    }

    /** Relative tolerance on final weights (default 1e-3). */
    public EngineParity weightTolerance(double t) {
        this.weightTolerance = t;
        return this;
    }

    /** Further Trainer options applied on every engine (accumulation, clipping, ...). */
    public EngineParity trainer(Consumer<Trainer.Builder> options) {
        this.trainerOptions = options;
        return this;
    }

    /** The result of training on one engine. */
    public record Run(String backend, List<Double> losses, Map<String, HostArray> weights, Map<String, Double> metrics) {
    }

    /**
     * The comparison.
     *
     * @param runs            one run per engine, the reference first
     * @param maxLossError    the largest relative loss difference from the reference, over steps and engines
     * @param maxWeightError  the largest relative weight difference from the reference
     * @param firstViolation  a description of the first value outside the tolerances, or null
     */
    public record Report(List<Run> runs, double maxLossError, double maxWeightError, String firstViolation) {
        /** True when every value is within the tolerances. */
        public boolean withinTolerance() {
            return firstViolation == null;
        }
    }

    /** Trains on every engine and compares. */
    public Report run() {
        if (backends.size() < 2) {
            throw new IllegalStateException("EngineParity needs at least two backends, got " + backends
                    + "; put backend-pytorch and backend-tensorflow on the test classpath");
        }
        List<Run> runs = new ArrayList<>();
        for (String backend : backends) {
            runs.add(train(backend));
        }
        Run ref = runs.get(0);
        double maxLoss = 0;
        double maxWeight = 0;
        String violation = null;
        for (Run r : runs.subList(1, runs.size())) {
            if (r.losses().size() != ref.losses().size()) {
                violation = r.backend() + " ran " + r.losses().size() + " steps but " + ref.backend() + " ran " + ref.losses().size();
                continue;
            }
            for (int i = 0; i < r.losses().size(); i++) {
                double b = ref.losses().get(i);
                double err = Math.abs(r.losses().get(i) - b) / Math.max(Math.abs(b), 1e-6);
                maxLoss = Math.max(maxLoss, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
                if (violation == null && !(err <= lossTolerance)) {
                    violation = String.format("step %d loss: %s %.9g vs %s %.9g (relative error %.3g > %.1g)", i,
                            r.backend(), r.losses().get(i), ref.backend(), b, err, lossTolerance);
                }
            }
            for (Map.Entry<String, HostArray> e : ref.weights().entrySet()) {
                double[] want = e.getValue().toDoubleArray();
                double[] got = r.weights().get(e.getKey()).toDoubleArray();
                for (int i = 0; i < want.length; i++) {
                    double err = Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), 1);
                    maxWeight = Math.max(maxWeight, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
                    if (violation == null && !(err <= weightTolerance)) {
                        violation = String.format("weight %s[%d]: %s %.9g vs %s %.9g (relative error %.3g > %.1g)",
                                e.getKey(), i, r.backend(), got[i], ref.backend(), want[i], err, weightTolerance);
                    }
                }
            }
        }
        return new Report(runs, maxLoss, maxWeight, violation);
    }

    /** Trains on every engine and fails with the first value outside the tolerances. */
    public Report assertParity() {
        Report report = run();
        if (!report.withinTolerance()) {
            throw new AssertionError("engines diverge beyond the parity tolerance: " + report.firstViolation()
                    + String.format(" (max loss error %.3g, max weight error %.3g)", report.maxLossError(), report.maxWeightError()));
        }
        return report;
    }

    private Run train(String backend) {
        Lightning.seedEverything(seed);
        LightningModule m = module.get();
        List<Double> losses = new ArrayList<>();
        Callback recorder = new Callback() {
            @Override
            public void onBeforeBackward(Trainer trainer, LightningModule mod, double loss) {
                losses.add(loss);
            }
        };
        Trainer.Builder b = Trainer.builder().backend(backend).maxSteps(steps).seed(seed)
                .enableSummary(false).enableLogger(false).enableCheckpointing(false).callbacks(recorder);
        trainerOptions.accept(b);
        Map<String, Double> metrics;
        try (Trainer trainer = b.build()) {
            trainer.fit(m, data.get());
            metrics = new LinkedHashMap<>(trainer.callbackMetrics());
        }
        return new Run(backend, losses, m.stateDict(), metrics);
    }
}
