package dev.lightning4j.distributed;

import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.callbacks.ModelCheckpoint;
import dev.lightning4j.core.Lightning;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Log;
import dev.lightning4j.core.Optimization;
import dev.lightning4j.data.Batch;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.data.TensorDataset;
import dev.lightning4j.nn.Linear;
import dev.lightning4j.nn.Parameter;
import dev.lightning4j.nn.ReLU;
import dev.lightning4j.nn.Sequential;
import dev.lightning4j.nn.functional.F;
import dev.lightning4j.optim.SGD;
import dev.lightning4j.strategies.ClusterEnvironment;
import dev.lightning4j.strategies.DistributedOptions;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import dev.lightning4j.trainer.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;

/**
 * The program every rank of the distributed tests runs (a user's training script): a small MLP
 * regression trained with {@code strategy("ddp")}. After every optimizer step it appends
 * {@code step, synced loss, local loss, weight hash, nanoTime} to {@code <out>/rank<r>.txt}; on failure it
 * writes the error to {@code <out>/failure<r>.txt} and exits with code 2.
 *
 * <p>Arguments (key=value): backend, devices (world size), steps, batch, out, seed (initial-weight
 * seed; rank r uses seed + r so that only the broadcast makes them equal), timeout (s),
 * delayMs (sleep after each step, so a test can act mid-run), ckpt (save every 2 steps),
 * resume (a checkpoint path), hidden (width of the hidden layer, default 16), lr (default 0.05).
 */
public final class DdpWorker {
    static final int ROWS = 64;
    static final int FEATURES = 8;

    private DdpWorker() {
    }

    /** Entry point of a worker JVM. */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        int rank = ClusterEnvironment.detect().map(ClusterEnvironment::rank).orElse(0);
        Path out = Path.of(a.get("out"));
        try {
            run(a, rank);
            System.exit(0);
        } catch (Throwable t) {
            StringWriter sw = new StringWriter();
            t.printStackTrace(new PrintWriter(sw));
            Files.writeString(out.resolve("failure" + rank + ".txt"), t + "\n" + sw);
            System.err.println("rank " + rank + " failed: " + t);
            System.exit(2);
        }
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> m = new java.util.HashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            m.put(s.substring(0, eq), s.substring(eq + 1));
        }
        return m;
    }

    /** Trains as configured; {@code rank} only picks the initial-weight seed and the output file. */
    static void run(Map<String, String> a, int rank) throws IOException {
        Path out = Path.of(a.get("out"));
        Files.createDirectories(out);
        int devices = Integer.parseInt(a.getOrDefault("devices", "2"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "8"));
        long steps = Long.parseLong(a.getOrDefault("steps", "10"));
        long delayMs = Long.parseLong(a.getOrDefault("delayMs", "0"));
        Lightning.seedEverything(Long.parseLong(a.getOrDefault("seed", "42")) + rank);
        Regressor model = new Regressor(Integer.parseInt(a.getOrDefault("hidden", "16")),
                Double.parseDouble(a.getOrDefault("lr", "0.05")));
        Path log = out.resolve("rank" + rank + ".txt");
        Callback recorder = new Callback() {
            @Override
            public void onTrainBatchEnd(Trainer trainer, LightningModule module, Map<String, Double> metrics,
                                        HostBatch b, int batchIdx) {
                String line = trainer.globalStep() + " " + metrics.get("train_loss") + " " + metrics.get("local_loss")
                        + " " + weightHash(module) + " " + System.nanoTime() + "\n";
                try {
                    Files.writeString(log, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    if (delayMs > 0) {
                        Thread.sleep(delayMs);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Trainer.Builder b = Trainer.builder()
                .backend(a.getOrDefault("backend", "pytorch"))
                .accelerator("cpu")
                .devices(devices)
                .maxSteps(steps)
                .seed(7)
                .numSanityValSteps(0)
                .enableSummary(false)
                .enableLogger(false)
                .defaultRootDir(out)
                .distributedOptions(DistributedOptions.DEFAULTS
                        .withTimeout(Duration.ofSeconds(Long.parseLong(a.getOrDefault("timeout", "30"))))
                        .withStartupTimeout(Duration.ofSeconds(120)));
        if (devices > 1) {
            b.strategy("ddp");
        }
        if (a.containsKey("ckpt")) {
            b.callbacks(recorder, new ModelCheckpoint().dirpath(out.resolve("ckpt")).everyNTrainSteps(2).saveLast(true));
        } else {
            b.enableCheckpointing(false).callbacks(recorder);
        }
        try (Trainer trainer = b.build()) {
            trainer.fit(model, loader(batch), null, a.get("resume"));
        }
        Files.writeString(out.resolve("done" + rank + ".txt"), "ok\n");
    }

    /** Deterministic regression data, in order (no shuffling), so shards and big batches line up. */
    static DataLoader loader(int batch) {
        float[] x = new float[ROWS * FEATURES];
        float[] y = new float[ROWS];
        for (int r = 0; r < ROWS; r++) {
            double t = 0;
            for (int c = 0; c < FEATURES; c++) {
                float v = (float) Math.sin(0.37 * r + 0.91 * c);
                x[r * FEATURES + c] = v;
                t += (c % 3 - 1) * v;
            }
            y[r] = (float) (t + 0.1 * Math.cos(r));
        }
        return DataLoader.builder(TensorDataset.of(HostArray.of(x, ROWS, FEATURES), HostArray.of(y, ROWS, 1)))
                .batchSize(batch).build();
    }

    /** A hash of every parameter's exact bits. */
    static String weightHash(LightningModule module) {
        long h = 1125899906842597L;
        for (Parameter p : module.parameters()) {
            for (float f : p.data().toFloatArray()) {
                h = 31 * h + Float.floatToIntBits(f);
            }
        }
        return Long.toHexString(h);
    }

    /** A two-layer MLP trained with SGD and momentum. */
    static final class Regressor extends LightningModule {
        private final Sequential net;
        private final double lr;

        Regressor(int hidden, double lr) {
            this.lr = lr;
            net = register("net", new Sequential(new Linear(FEATURES, hidden), new ReLU(), new Linear(hidden, 1)));
        }

        @Override
        public Tensor forward(Tensor x) {
            return net.forward(x);
        }

        @Override
        public Tensor trainingStep(Batch batch, int batchIdx) {
            Tensor loss = F.mseLoss(forward(batch.input()), batch.target());
            log("train_loss", loss, Log.options().syncDist(true));
            log("local_loss", loss);
            return loss;
        }

        @Override
        public Optimization configureOptimizers() {
            return Optimization.of(SGD.builder(parameters()).lr(lr).momentum(0.9).build());
        }
    }
}
