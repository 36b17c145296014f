package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Optimization;
import dev.lightning4j.data.Batch;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.data.TensorDataset;
import dev.lightning4j.nn.Sequential;
import dev.lightning4j.nn.functional.F;
import dev.lightning4j.optim.Adam;
import dev.lightning4j.optim.LRScheduler;
import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.optim.SGD;
import dev.lightning4j.optim.lr.CosineAnnealingLR;
import dev.lightning4j.optim.lr.OneCycleLR;
import dev.lightning4j.optim.lr.StepLR;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import dev.lightning4j.testkit.ForEachBackend;
import dev.lightning4j.trainer.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reproduces the PyTorch runs with a learning-rate scheduler or gradient clipping from
 * {@code shared/golden} on every engine, through the Trainer: a LightningModule built from the
 * case's architecture and initial weights, one full batch per epoch (no shuffling),
 * {@code maxSteps(steps)}, the scheduler stepped after every optimizer step
 * ({@code Interval.STEP}, as the cases were made) and norm clipping via {@code gradientClipVal}.
 * A callback records the loss of each step ({@code onBeforeBackward}) and the rate it used (read
 * from the optimizer in {@code onTrainBatchStart}, before the step runs).
 *
 * <p>Tolerance: every loss, every rate and every final weight must be within a relative error of
 * {@value GoldenTrainingTest#REL_TOL} of PyTorch's, measured as
 * {@code |actual - expected| / max(|expected|, }{@value GoldenTrainingTest#REL_FLOOR}{@code )} (the
 * rule of {@link GoldenTrainingTest}). The rates are computed on the host in double and in fact
 * match bit for bit; the losses and weights carry float32 differences between engines.
 *
 * <p>{@code grad_norms_before_clip} is not compared: the training step computes the norm
 * ({@code TrainingStep.GRAD_NORM}) but the loop keeps it internal (FitLoop reads it only for
 * {@code detectAnomaly}); nothing public exposes it to a callback. Clipping is still checked
 * through the losses and weights, which depend on it at every step of that case.
 */
class GoldenSchedulerTrainingTest {

    @ForEachBackend
    void sgdStepLrMse(String backend) {
        reproduce("sgd_steplr_mse", backend);
    }

    @ForEachBackend
    void adamCosineCe(String backend) {
        reproduce("adam_cosine_ce", backend);
    }

    @ForEachBackend
    void sgdOneCycleCe(String backend) {
        reproduce("sgd_onecycle_ce", backend);
    }

    @ForEachBackend
    void sgdClipNormMse(String backend) {
        reproduce("sgd_clip_norm_mse", backend);
    }

    /** The case's model, loss, optimizer and scheduler, written as a user would. */
    static final class GoldenModule extends LightningModule {
        final Sequential net;
        private final String lossName;
        private final JsonObject optimizerSpec;
        private final JsonObject schedulerSpec;

        GoldenModule(JsonObject json) {
            this.net = register("net", GoldenFiles.sequential(json.getAsJsonObject("model")));
            net.loadStateDict(GoldenFiles.stateDict(json.getAsJsonObject("initial_state")), true);
            this.lossName = json.get("loss").getAsString();
            this.optimizerSpec = json.getAsJsonObject("optimizer");
            this.schedulerSpec = json.get("scheduler").isJsonNull() ? null : json.getAsJsonObject("scheduler");
        }

        @Override
        public Tensor forward(Tensor x) {
            return net.forward(x);
        }

        @Override
        public Tensor trainingStep(Batch batch, int batchIdx) {
            Tensor out = forward(batch.input());
            switch (lossName) {
                case "mse":
                    return F.mseLoss(out, batch.target());
                case "ce":
                    return F.crossEntropy(out, batch.target());
                default:
                    throw new IllegalArgumentException("unknown golden loss '" + lossName + "'");
            }
        }

        @Override
        public Optimization configureOptimizers() {
            Optimizer optimizer = optimizer(optimizerSpec);
            if (schedulerSpec == null) {
                return Optimization.of(optimizer);
            }
            return Optimization.of(optimizer, scheduler(schedulerSpec, optimizer)).interval(Optimization.Interval.STEP);
        }

        private Optimizer optimizer(JsonObject o) {
            String name = o.get("name").getAsString();
            double lr = o.get("lr").getAsDouble();
            switch (name) {
                case "SGD":
                    return SGD.builder(parameters()).lr(lr).momentum(num(o, "momentum", 0)).build();
                case "Adam":
                    return Adam.builder(parameters()).lr(lr).build();
                default:
                    throw new IllegalArgumentException("golden optimizer: unsupported " + name);
            }
        }

        private static LRScheduler scheduler(JsonObject s, Optimizer optimizer) {
            String name = s.get("name").getAsString();
            assertThat(s.get("stepped").getAsString()).isEqualTo("after every optimizer step");
            switch (name) {
                case "StepLR":
                    return new StepLR(optimizer, s.get("step_size").getAsInt(), num(s, "gamma", 0.1));
                case "CosineAnnealingLR":
                    return new CosineAnnealingLR(optimizer, s.get("T_max").getAsInt(), num(s, "eta_min", 0));
                case "OneCycleLR":
                    // Only max_lr and total_steps are recorded: everything else is torch's default.
                    return new OneCycleLR(optimizer, s.get("max_lr").getAsDouble(), s.get("total_steps").getAsInt());
                default:
                    throw new IllegalArgumentException("golden scheduler: unsupported " + name);
            }
        }

        private static double num(JsonObject o, String key, double fallback) {
            JsonElement e = o.get(key);
            return e != null && !e.isJsonNull() ? e.getAsDouble() : fallback;
        }
    }

    /** Records what each training step saw: the rate before it ran and the loss it computed. */
    static final class Recorder implements Callback {
        final List<Double> lrs = new ArrayList<>();
        final List<Double> losses = new ArrayList<>();

        @Override
        public void onTrainBatchStart(Trainer trainer, LightningModule module, HostBatch batch, int batchIdx) {
            lrs.add(trainer.optimizer().paramGroups().get(0).lr());
        }

        @Override
        public void onBeforeBackward(Trainer trainer, LightningModule module, double loss) {
            losses.add(loss);
        }
    }

    private static void reproduce(String caseName, String backendName) {
        JsonObject json = GoldenFiles.load(caseName);
        int steps = json.get("steps").getAsInt();
        HostArray x = GoldenFiles.floats(json.getAsJsonObject("x"));
        HostArray y = json.get("loss").getAsString().equals("ce") ? GoldenFiles.longs(json.getAsJsonObject("y"))
                : GoldenFiles.floats(json.getAsJsonObject("y"));
        // All rows in one batch, in order: each epoch is one full-batch step, as the cases were made.
        DataLoader train = DataLoader.builder(TensorDataset.of(x, y)).batchSize((int) x.shape().dims()[0]).shuffle(false).build();
        GoldenModule model = new GoldenModule(json);
        Recorder recorder = new Recorder();
        Trainer.Builder builder = Trainer.builder().backend(backendName).maxSteps(steps)
                .enableLogger(false).enableCheckpointing(false).enableSummary(false).enableProgressBar(false)
                .numSanityValSteps(0).callbacks(recorder);
        if (!json.get("clip_grad_norm").isJsonNull()) {
            builder.gradientClipVal(json.get("clip_grad_norm").getAsDouble()); // the default algorithm is NORM
        }
        try (Trainer trainer = builder.build()) {
            trainer.fit(model, train, null);
            assertThat(trainer.globalStep()).isEqualTo(steps);
        }
        // Closing the Trainer copied the weights back to the host.
        Map<String, HostArray> finalState = model.net.stateDict();

        double[] expectedLosses = GoldenFiles.doubles(json.getAsJsonArray("losses"));
        double[] expectedLrs = GoldenFiles.doubles(json.getAsJsonArray("lrs"));
        assertThat(recorder.losses).as("%s on %s: one loss per step", caseName, backendName).hasSize(steps);
        assertThat(recorder.lrs).as("%s on %s: one rate per step", caseName, backendName).hasSize(steps);
        double worstLoss = worst(recorder.losses, expectedLosses);
        double worstLr = worst(recorder.lrs, expectedLrs);
        double worstWeight = 0;
        String worstName = "";
        Map<String, HostArray> expectedFinal = GoldenFiles.stateDict(json.getAsJsonObject("final_state"));
        for (Map.Entry<String, HostArray> e : expectedFinal.entrySet()) {
            HostArray actual = finalState.get(e.getKey());
            assertThat(actual).as("%s on %s: final state lacks %s", caseName, backendName, e.getKey()).isNotNull();
            assertThat(actual.shape()).isEqualTo(e.getValue().shape());
            double[] a = actual.toDoubleArray();
            double[] b = e.getValue().toDoubleArray();
            for (int i = 0; i < a.length; i++) {
                double r = GoldenTrainingTest.relErr(a[i], b[i]);
                if (r > worstWeight) {
                    worstWeight = r;
                    worstName = e.getKey() + "[" + i + "]";
                }
            }
        }
        System.out.printf("GOLDEN-SCHED %-18s %-10s max rel err: losses %.3e, lrs %.3e, final weights %.3e (%s)%n",
                caseName, backendName, worstLoss, worstLr, worstWeight, worstName);
        for (int s = 0; s < steps; s++) {
            double lrErr = GoldenTrainingTest.relErr(recorder.lrs.get(s), expectedLrs[s]);
            assertThat(lrErr).as("%s on %s: lr at step %d is %s, PyTorch used %s", caseName, backendName, s,
                    recorder.lrs.get(s), expectedLrs[s]).isLessThanOrEqualTo(GoldenTrainingTest.REL_TOL);
            double lossErr = GoldenTrainingTest.relErr(recorder.losses.get(s), expectedLosses[s]);
            assertThat(lossErr).as("%s on %s: loss at step %d is %s, PyTorch had %s", caseName, backendName, s,
                    recorder.losses.get(s), expectedLosses[s]).isLessThanOrEqualTo(GoldenTrainingTest.REL_TOL);
        }
        assertThat(worstWeight).as("%s on %s: worst final weight %s (relative error)", caseName, backendName, worstName)
                .isLessThanOrEqualTo(GoldenTrainingTest.REL_TOL);
    }

    private static double worst(List<Double> actual, double[] expected) {
        double w = 0;
        for (int i = 0; i < Math.min(actual.size(), expected.length); i++) {
            w = Math.max(w, GoldenTrainingTest.relErr(actual.get(i), expected[i]));
        }
        return w;
    }
}
