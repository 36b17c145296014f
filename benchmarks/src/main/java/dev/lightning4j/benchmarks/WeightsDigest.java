package dev.lightning4j.benchmarks;

import dev.lightning4j.core.LightningModule;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.TensorDataset;
import dev.lightning4j.loggers.CSVLogger;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.trainer.Trainer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Trains each workload for a number of steps with the Trainer on each engine and prints a SHA-256
 * of the final weights' bits, to check that a performance change leaves the numbers bit-identical
 * (run it before and after). Arguments: {@code steps} (default 120).
 */
public final class WeightsDigest {
    private WeightsDigest() {
    }

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        for (Workload w : new Workload[] {Workload.mlp(20), Workload.cnn(20)}) {
            for (String backend : new String[] {"pytorch", "tensorflow"}) {
                Path dir = Files.createTempDirectory("l4j-digest");
                LightningModule model = w.model.get();
                try (Trainer trainer = Trainer.builder().backend(backend).maxSteps(steps).maxEpochs(Integer.MAX_VALUE)
                        .defaultRootDir(dir).loggers(new CSVLogger(dir)).enableCheckpointing(false)
                        .enableProgressBar(false).enableModelSummary(false).build()) {
                    trainer.fit(model, DataLoader.builder(TensorDataset.of(w.allX, w.allY)).batchSize(Workload.BATCH)
                            .shuffle(false).build(), null);
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    for (Map.Entry<String, HostArray> e : model.stateDict().entrySet()) {
                        float[] f = e.getValue().toFloatArray();
                        ByteBuffer b = ByteBuffer.allocate(f.length * 4);
                        b.asFloatBuffer().put(f);
                        md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        md.update(b);
                    }
                    System.out.printf("%s %s %d steps: loss %.9f weights sha256 %s%n", w.name, backend, steps,
                            trainer.callbackMetrics().get("train_loss"), java.util.HexFormat.of().formatHex(md.digest()));
                }
            }
        }
    }
}
