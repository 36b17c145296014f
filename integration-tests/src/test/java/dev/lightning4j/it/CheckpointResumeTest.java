package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lightning4j.callbacks.ModelCheckpoint;
import dev.lightning4j.core.Lightning;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.testkit.ForEachBackend;
import dev.lightning4j.trainer.Trainer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped after any step and resumed from its checkpoint ends with the same weights as an
 * uninterrupted run, bit for bit on the same engine (mid-epoch too); a checkpoint written on one
 * engine resumes on the other within the parity tolerance; bad checkpoints fail naming file and key.
 */
class CheckpointResumeTest {
    private static final long STEPS = 15; // 6 batches per epoch: 2.5 epochs
    @TempDir
    Path dir;

    private static DataLoader train() {
        return DataLoader.builder(Synthetic.linear(96, 0.1, 21)).batchSize(16).shuffle(true).build();
    }

    private static LinearRegressionModule model(long initSeed, int hidden) {
        Lightning.seedEverything(initSeed);
        return new LinearRegressionModule(3, hidden, 0.05);
    }

    private Trainer.Builder trainer(String backend, Path ckptDir, ModelCheckpoint checkpoint) {
        return Trainer.builder().backend(backend).maxSteps(STEPS).seed(7).enableSummary(false)
                .defaultRootDir(dir).enableLogger(false).callbacks(checkpoint.dirpath(ckptDir));
    }

    private Map<String, HostArray> uninterrupted(String backend, Path ckptDir) {
        LinearRegressionModule m = model(1, 8);
        try (Trainer t = trainer(backend, ckptDir, new ModelCheckpoint().everyNTrainSteps(5).saveTopK(-1)).build()) {
            t.fit(m, train(), null);
        }
        return m.stateDict();
    }

    private Map<String, HostArray> resumed(String backend, Path from, Path ckptDir) {
        LinearRegressionModule m = model(99, 8); // different initial weights: the checkpoint must replace them
        try (Trainer t = trainer(backend, ckptDir, new ModelCheckpoint()).build()) {
            t.fit(m, train(), null, from.toString());
            assertThat(t.globalStep()).isEqualTo(STEPS);
        }
        return m.stateDict();
    }

    @ForEachBackend
    void resumingMidEpochReproducesTheUninterruptedRunBitForBit(String backend) {
        Path a = dir.resolve("a");
        Map<String, HostArray> expected = uninterrupted(backend, a);
        assertThat(a.resolve("epoch=0-step=5.ckpt")).isDirectory(); // step 5 is batch 5 of 6: mid-epoch
        assertThat(a.resolve("epoch=1-step=10.ckpt")).isDirectory();
        for (String name : new String[] {"epoch=0-step=5.ckpt", "epoch=1-step=10.ckpt"}) {
            Map<String, HostArray> actual = resumed(backend, a.resolve(name), dir.resolve("b-" + name));
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            actual.forEach((k, v) -> assertThat(v.toFloatArray()).as("%s after resuming from %s", k, name)
                    .containsExactly(expected.get(k).toFloatArray()));
        }
    }

    @Test
    void aCheckpointFromPyTorchResumesOnTensorFlowWithinParity() {
        Path a = dir.resolve("pt");
        Map<String, HostArray> expected = uninterrupted("pytorch", a);
        Map<String, HostArray> actual = resumed("tensorflow", a.resolve("epoch=0-step=5.ckpt"), dir.resolve("tf"));
        // Parity tolerance of the cross-engine suite: 1e-4 relative on weights after a short run.
        actual.forEach((k, v) -> {
            float[] got = v.toFloatArray();
            float[] want = expected.get(k).toFloatArray();
            for (int i = 0; i < got.length; i++) {
                assertThat((double) got[i]).as(k + "[" + i + "]")
                        .isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-4 * Math.max(1, Math.abs(want[i]))));
            }
        });
    }

    @ForEachBackend
    void lastResolvesThroughModelCheckpoint(String backend) {
        Path ckpts = dir.resolve("last");
        LinearRegressionModule m = model(1, 8);
        try (Trainer t = Trainer.builder().backend(backend).maxSteps(6).seed(7).enableSummary(false).enableLogger(false)
                .callbacks(new ModelCheckpoint().dirpath(ckpts).saveLast(true)).build()) {
            t.fit(m, train(), null);
        }
        assertThat(ckpts.resolve("last.ckpt").resolve("model.safetensors")).isRegularFile();
        try (Trainer t = trainer(backend, ckpts, new ModelCheckpoint().saveLast(true)).build()) {
            t.fit(model(2, 8), train(), null, "last");
            assertThat(t.globalStep()).isEqualTo(STEPS);
        }
    }

    @ForEachBackend
    void aTruncatedCheckpointNamesTheFile(String backend) throws IOException {
        Path a = dir.resolve("trunc");
        uninterrupted(backend, a);
        Path ckpt = a.resolve("epoch=0-step=5.ckpt");
        Path weights = ckpt.resolve("model.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
            f.setLength(f.length() - 7);
        }
        assertThatThrownBy(() -> resumed(backend, ckpt, dir.resolve("x")))
                .hasMessageContaining("model.safetensors");
    }

    @ForEachBackend
    void aCheckpointOfAnotherArchitectureNamesTheKeyAndShapes(String backend) {
        Path a = dir.resolve("arch");
        uninterrupted(backend, a);
        LinearRegressionModule smaller = model(3, 4);
        try (Trainer t = trainer(backend, dir.resolve("y"), new ModelCheckpoint()).build()) {
            assertThatThrownBy(() -> t.fit(smaller, train(), null, a.resolve("epoch=0-step=5.ckpt").toString()))
                    .hasMessageContaining("net.0.weight")
                    .hasMessageContaining("[8, 3]")
                    .hasMessageContaining("[4, 3]");
        }
    }

    @ForEachBackend
    void aMissingCheckpointIsNamed(String backend) {
        try (Trainer t = trainer(backend, dir.resolve("z"), new ModelCheckpoint()).build()) {
            assertThatThrownBy(() -> t.fit(model(1, 8), train(), null, dir.resolve("nope.ckpt").toString()))
                    .hasMessageContaining("nope.ckpt").hasMessageContaining("does not exist");
        }
        assertThat(Files.exists(dir.resolve("nope.ckpt"))).isFalse();
    }
}
