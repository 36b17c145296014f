package dev.lightning4j.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lightning4j.checkpoint.Checkpoint.LoopState;
import dev.lightning4j.checkpoint.Checkpoint.OptimizerState;
import dev.lightning4j.checkpoint.Checkpoint.ParamGroupState;
import dev.lightning4j.nn.Module;
import dev.lightning4j.optim.SGD;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckpointIOTest {

    @TempDir
    Path dir;

    /** A module with a parameter of each kind, for the compatibility checks. */
    static final class Tiny extends Module {
        Tiny() {
            registerParameter("weight", HostArray.zeros(DType.FLOAT32, Shape.of(2, 3)));
            registerParameter("bias", HostArray.zeros(DType.FLOAT32, Shape.of(2)));
            registerBuffer("count", HostArray.of(new long[] {0}));
        }
    }

    private static Map<String, HostArray> model(float scale) {
        Map<String, HostArray> m = new LinkedHashMap<>();
        // Registration order, deliberately not the safetensors layout order.
        m.put("weight", HostArray.of(new float[] {scale, -0f, Float.NaN, Float.POSITIVE_INFINITY, 1e-45f, 5}, 2, 3));
        m.put("bias", HostArray.of(new float[] {scale * 2, 0.1f}, 2));
        m.put("count", HostArray.of(new long[] {Long.MAX_VALUE}));
        return m;
    }

    private static Checkpoint full(float scale) {
        Map<Integer, Map<String, HostArray>> state = new LinkedHashMap<>();
        state.put(0, Map.of("exp_avg", HostArray.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
                "exp_avg_sq", HostArray.of(new float[] {0.5f, 0, 0, 0, 0, scale}, 2, 3)));
        state.put(1, Map.of("exp_avg", HostArray.of(new float[] {7, 8}, 2)));
        OptimizerState opt = new OptimizerState("Adam", 42,
                List.of(new ParamGroupState(Map.of("lr", 1e-3, "beta1", 0.9, "weight_decay", 0.0), List.of(0)),
                        new ParamGroupState(Map.of("lr", 0.1 + 0.2, "beta1", 0.9, "weight_decay", 1e-300), List.of(1))),
                state);
        Map<String, Object> sched = new LinkedHashMap<>();
        sched.put("last_epoch", 3);
        sched.put("base_lrs", List.of(1e-3, 0.3));
        sched.put("_last_lr", new double[] {Math.PI, Math.E});
        Map<String, Object> early = new LinkedHashMap<>();
        early.put("best_score", Double.POSITIVE_INFINITY);
        early.put("worst", Double.NEGATIVE_INFINITY);
        early.put("nan", Double.NaN);
        early.put("wait_count", 2);
        early.put("monitor", "NaN"); // a string that looks like the token must stay a string
        early.put("patience_f", 0.1f);
        early.put("nothing", null);
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("paths", List.of("a/b.ckpt", "ünï\"code\"\n"));
        nested.put("scores", Map.of("x", -0.0, "y", 1.0e22, "big", Long.MIN_VALUE));
        Map<String, Object> hparams = new LinkedHashMap<>();
        hparams.put("hidden", 128);
        hparams.put("lr", 3e-4);
        hparams.put("name", "mlp");
        hparams.put("layers", List.of(64, 32));
        hparams.put("dropout", 0.1f);
        hparams.put("flags", Map.of("bn", true, "skip", false));
        return Checkpoint.builder()
                .backend("pytorch")
                .modelState(model(scale))
                .optimizer(opt)
                .loop(new LoopState(3, 1234, 17, false))
                .schedulers(List.of(sched, Map.of()))
                .callbacks(Map.of("dev.lightning4j.callbacks.EarlyStopping{monitor=val_loss}", early,
                        "ModelCheckpoint", nested))
                .rng(Map.of("default", List.of(Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE), "dataloader", List.of(99L)))
                .hyperParameters(hparams)
                .build();
    }

    private String[] listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void roundTripsEveryField() throws IOException {
        Checkpoint ckpt = full(1.5f);
        Path path = dir.resolve("epoch=3-step=1234.ckpt");
        CheckpointIO.save(ckpt, path);
        Checkpoint back = CheckpointIO.load(path);

        assertThat(back).isEqualTo(ckpt);
        assertThat(back.formatVersion()).isEqualTo(Checkpoint.FORMAT_VERSION);
        assertThat(back.backend()).isEqualTo("pytorch");
        assertThat(back.loop()).isEqualTo(new LoopState(3, 1234, 17, false));
        assertThat(List.copyOf(back.modelState().keySet())).containsExactly("weight", "bias", "count");
        assertThat(back.optimizer().stepCount()).isEqualTo(42);
        assertThat(back.optimizer().paramGroups().get(1).options().get("lr")).isEqualTo(0.1 + 0.2);
        assertThat(back.optimizer().paramGroups().get(1).options().get("weight_decay")).isEqualTo(1e-300);
        assertThat(back.rng().get("default")).containsExactly(Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE);

        Map<String, Object> early = back.callbacks().get("dev.lightning4j.callbacks.EarlyStopping{monitor=val_loss}");
        assertThat(early.get("best_score")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(early.get("worst")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat((Double) early.get("nan")).isNaN();
        assertThat(early.get("monitor")).isEqualTo("NaN");
        assertThat(early.get("wait_count")).isEqualTo(2L);
        assertThat(early.get("patience_f")).isEqualTo((double) 0.1f);
        assertThat(early).containsEntry("nothing", null);
        @SuppressWarnings("unchecked")
        Map<String, Object> scores = (Map<String, Object>) back.callbacks().get("ModelCheckpoint").get("scores");
        assertThat(Double.doubleToRawLongBits((Double) scores.get("x"))).isEqualTo(Long.MIN_VALUE); // -0.0
        assertThat(scores.get("big")).isEqualTo(Long.MIN_VALUE);
        assertThat(back.schedulers().get(0).get("_last_lr")).isEqualTo(List.of(Math.PI, Math.E));
        float[] w = ((HostArray.F32) back.modelState().get("weight")).data();
        assertThat(Float.floatToRawIntBits(w[1])).isEqualTo(0x8000_0000);
        assertThat(Float.isNaN(w[2])).isTrue();

        assertThat(listing()).containsExactly("epoch=3-step=1234.ckpt");
        try (Stream<Path> s = Files.list(path)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("model.safetensors", "optimizer.safetensors", "state.json");
        }
    }

    @Test
    void theWeightsFileIsPlainSafetensorsAndStateJsonIsReadable() throws IOException {
        Path path = dir.resolve("w.ckpt");
        CheckpointIO.save(full(1f), path);
        SafeTensors.Contents weights = SafeTensors.read(path.resolve("model.safetensors"));
        assertThat(weights.tensors()).containsOnlyKeys("weight", "bias", "count");
        assertThat(weights.metadata()).containsEntry("format", "pt");
        assertThat(CheckpointIO.loadModelState(path)).isEqualTo(model(1f));
        assertThat(CheckpointIO.loadModelState(path.resolve("model.safetensors"))).isEqualTo(model(1f));
        assertThat(SafeTensors.read(path.resolve("optimizer.safetensors")).tensors())
                .containsOnlyKeys("state.0.exp_avg", "state.0.exp_avg_sq", "state.1.exp_avg");

        String json = Files.readString(path.resolve("state.json"));
        assertThat(json).startsWith("{\n  \"format\": \"lightning4j-checkpoint\",\n  \"format_version\": 1,\n");
        assertThat(json).contains("\"global_step\": 1234", "\"best_score\": Infinity", "\"lr\": 0.30000000000000004");
    }

    @Test
    void weightsOnlyCheckpointHasNoOptimizerFile() throws IOException {
        Checkpoint ckpt = Checkpoint.builder().backend("tensorflow").modelState(model(2f)).build();
        Path path = dir.resolve("weights.ckpt");
        CheckpointIO.save(ckpt, path);
        assertThat(Files.exists(path.resolve("optimizer.safetensors"))).isFalse();
        Checkpoint back = CheckpointIO.load(path);
        assertThat(back).isEqualTo(ckpt);
        assertThat(back.optimizer()).isNull();
        assertThat(back.loop()).isEqualTo(LoopState.initial());
    }

    @ParameterizedTest
    @ValueSource(strings = {"model.safetensors", "optimizer.safetensors", "state.json", "backup"})
    void aSaveThatFailsMidwayLeavesThePreviousCheckpointAndNoTemporaries(String stage) throws IOException {
        Path path = dir.resolve("last.ckpt");
        Checkpoint previous = full(1f);
        CheckpointIO.save(previous, path);

        assertThatThrownBy(() -> CheckpointIO.save(full(2f), path, s -> {
            if (s.equals(stage)) {
                throw new IOException("simulated crash after " + s);
            }
        })).hasMessage("simulated crash after " + stage);

        assertThat(CheckpointIO.load(path)).isEqualTo(previous);
        assertThat(listing()).containsExactly("last.ckpt");

        CheckpointIO.save(full(3f), path);
        assertThat(CheckpointIO.load(path)).isEqualTo(full(3f));
        assertThat(listing()).containsExactly("last.ckpt");
    }

    @Test
    void aFailedFirstSaveLeavesNothing() {
        Path path = dir.resolve("first.ckpt");
        assertThatThrownBy(() -> CheckpointIO.save(full(1f), path, s -> {
            throw new IllegalStateException("writer bug at " + s);
        })).hasMessageContaining("writer bug");
        assertThat(dir.toFile().list()).isEmpty();
        assertThat(CheckpointIO.exists(path)).isFalse();
    }

    @Test
    void aCrashBetweenTheTwoRenamesIsRecoveredFromTheBackup() throws IOException {
        Path path = dir.resolve("last.ckpt");
        CheckpointIO.save(full(1f), path);
        // The state a crash right after "rename old away" leaves: no target, the old one as backup,
        // plus a stray temporary directory with the half-published new one.
        Files.move(path, CheckpointIO.backupOf(path));
        Files.createDirectories(dir.resolve(".last.ckpt.123abc.tmp"));
        Files.writeString(dir.resolve(".last.ckpt.123abc.tmp/state.json"), "{\"trunc");

        assertThat(CheckpointIO.exists(path)).isTrue();
        assertThat(CheckpointIO.load(path)).isEqualTo(full(1f));

        CheckpointIO.save(full(2f), path);
        assertThat(CheckpointIO.load(path)).isEqualTo(full(2f));
        assertThat(listing()).containsExactly("last.ckpt");
    }

    @Test
    void refusesToReplaceSomethingThatIsNotACheckpoint() throws IOException {
        Path path = dir.resolve("precious");
        Files.createDirectories(path);
        Files.writeString(path.resolve("thesis.tex"), "...");
        assertThatThrownBy(() -> CheckpointIO.save(full(1f), path))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("not a checkpoint directory");
        assertThat(Files.readString(path.resolve("thesis.tex"))).isEqualTo("...");
        assertThatThrownBy(() -> CheckpointIO.delete(path)).isInstanceOf(CheckpointException.class);
    }

    @Test
    void deleteRemovesTheCheckpoint() throws IOException {
        Path path = dir.resolve("old.ckpt");
        CheckpointIO.save(full(1f), path);
        CheckpointIO.delete(path);
        CheckpointIO.delete(path);
        assertThat(dir.toFile().list()).isEmpty();
    }

    // ---------------------------------------------------------------- corrupted checkpoints

    private static void assertFails(ThrowingCallable call, Path file, String key, String... fragments) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CheckpointException.class, e -> {
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.key()).isEqualTo(key);
            assertThat(e.getMessage()).contains(file.toString());
            if (key != null) {
                assertThat(e.getMessage()).contains("'" + key + "'");
            }
            for (String f : fragments) {
                assertThat(e.getMessage()).contains(f);
            }
        });
    }

    private Path saved() throws IOException {
        Path path = dir.resolve("c.ckpt");
        CheckpointIO.save(full(1f), path);
        return path;
    }

    private static void editState(Path ckpt, String from, String to) throws IOException {
        Path f = ckpt.resolve("state.json");
        String s = Files.readString(f);
        assertThat(s).contains(from);
        Files.writeString(f, s.replace(from, to));
    }

    @Test
    void missingCheckpointOrFiles() throws IOException {
        Path none = dir.resolve("none.ckpt");
        assertFails(() -> CheckpointIO.load(none), none, null, "no checkpoint found");

        Path p = saved();
        Files.delete(p.resolve("model.safetensors"));
        assertFails(() -> CheckpointIO.load(p), p.resolve("model.safetensors"), null, "not found");
        Files.delete(p.resolve("state.json"));
        assertFails(() -> CheckpointIO.load(p), p.resolve("state.json"), null, "missing");
    }

    @Test
    void missingOptimizerFile() throws IOException {
        Path p = saved();
        Files.delete(p.resolve("optimizer.safetensors"));
        assertFails(() -> CheckpointIO.load(p), p.resolve("optimizer.safetensors"), null, "not found");
    }

    @Test
    void wrongFormatVersion() throws IOException {
        Path p = saved();
        editState(p, "\"format_version\": 1", "\"format_version\": 2");
        assertFails(() -> CheckpointIO.load(p), p.resolve("state.json"), "format_version", "newer version");
        editState(p, "\"format_version\": 2", "\"format_version\": \"1\"");
        assertFails(() -> CheckpointIO.load(p), p.resolve("state.json"), "format_version", "must be an integer");
        editState(p, "\"lightning4j-checkpoint\"", "\"something-else\"");
        assertFails(() -> CheckpointIO.load(p), p.resolve("state.json"), "format", "something-else");
    }

    @Test
    void missingOrMistypedKeysInStateJson() throws IOException {
        Path p = saved();
        editState(p, "\"global_step\"", "\"globalStep\"");
        assertFails(() -> CheckpointIO.load(p), p.resolve("state.json"), "loop.global_step", "missing");
        editState(p, "\"globalStep\"", "\"global_step\"");
        editState(p, "\"epoch_finished\": false", "\"epoch_finished\": 0");
        assertFails(() -> CheckpointIO.load(p), p.resolve("state.json"), "loop.epoch_finished", "true or false");
        editState(p, "\"epoch_finished\": 0", "\"epoch_finished\": false");
        editState(p, "\"rng\": {", "\"rngs\": {");
        assertFails(() -> CheckpointIO.load(p), p.resolve("state.json"), "rng", "missing");
    }

    @Test
    void truncatedStateJson() throws IOException {
        Path p = saved();
        Path f = p.resolve("state.json");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length / 2));
        assertThatThrownBy(() -> CheckpointIO.load(p)).isInstanceOfSatisfying(CheckpointException.class, e -> {
            assertThat(e.file()).isEqualTo(f);
            assertThat(e.getMessage()).contains(f.toString(), "invalid JSON", "truncated or corrupted");
        });
    }

    @Test
    void truncatedWeights() throws IOException {
        Path p = saved();
        Path f = p.resolve("model.safetensors");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length - 1));
        // Laid out I64 first, then F32 by name: bias, weight; weight is last and cut short.
        assertFails(() -> CheckpointIO.load(p), f, "weight", "truncated");
    }

    @Test
    void weightsThatDoNotMatchTheListInStateJson() throws IOException {
        Path p = saved();
        Path f = p.resolve("model.safetensors");
        Map<String, HostArray> fewer = new LinkedHashMap<>(model(1f));
        fewer.remove("bias");
        SafeTensors.write(f, fewer, null);
        assertFails(() -> CheckpointIO.load(p), f, "bias", "missing");
        Map<String, HostArray> more = new LinkedHashMap<>(model(1f));
        more.put("extra", HostArray.of(new int[] {1}));
        SafeTensors.write(f, more, null);
        assertFails(() -> CheckpointIO.load(p), f, "extra", "unexpected");
    }

    @Test
    void malformedOptimizerKeys() throws IOException {
        Path p = saved();
        Path f = p.resolve("optimizer.safetensors");
        SafeTensors.write(f, Map.of("state.x.exp_avg", HostArray.of(new float[] {1})), null);
        editState(p, "\"state_keys\": [", "\"state_keys\": [\"state.x.exp_avg\"], \"was\": [");
        assertFails(() -> CheckpointIO.load(p), f, "state.x.exp_avg", "state.<parameter index>.<name>");
    }

    @Test
    void optimizerStateForAMissingParameter() throws IOException {
        Path p = saved();
        Path f = p.resolve("optimizer.safetensors");
        SafeTensors.write(f, Map.of("state.7.exp_avg", HostArray.of(new float[] {1})), null);
        editState(p, "\"state_keys\": [", "\"state_keys\": [\"state.7.exp_avg\"], \"was\": [");
        assertFails(() -> CheckpointIO.load(p), f, "state.7.exp_avg", "parameter 7");
    }

    // ---------------------------------------------------------------- compatibility with a module

    @Test
    void modelStateCheckNamesFileAndKey() {
        Path file = dir.resolve("x.ckpt/model.safetensors");
        Tiny module = new Tiny();
        Map<String, HostArray> good = model(1f);
        assertThat(catchCheck(file, good, module, true)).isNull();

        Map<String, HostArray> missing = new LinkedHashMap<>(good);
        missing.remove("bias");
        assertFails(() -> CheckpointIO.checkModelState(file, missing, module, true), file, "bias",
                "does not match Tiny", "missing keys [bias]");
        assertThat(catchCheck(file, missing, module, false)).isNull();

        Map<String, HostArray> unexpected = new LinkedHashMap<>(good);
        unexpected.put("head.weight", HostArray.of(new float[] {1}));
        assertFails(() -> CheckpointIO.checkModelState(file, unexpected, module, true), file, "head.weight",
                "unexpected keys [head.weight]");

        Map<String, HostArray> wrongShape = new LinkedHashMap<>(good);
        wrongShape.put("weight", HostArray.of(new float[6], 3, 2));
        assertFails(() -> CheckpointIO.checkModelState(file, wrongShape, module, false), file, "weight",
                "'weight' has shape [3, 2] but Tiny expects [2, 3]");
    }

    private static Throwable catchCheck(Path file, Map<String, HostArray> state, Module module, boolean strict) {
        try {
            CheckpointIO.checkModelState(file, state, module, strict);
            return null;
        } catch (CheckpointException e) {
            return e;
        }
    }

    @Test
    void optimizerStateCaptureAndRestoreChecksBeforeChanging() {
        Tiny module = new Tiny();
        SGD sgd = new SGD(module.parameters(), 0.5);
        OptimizerState captured = OptimizerState.capture(sgd);
        assertThat(captured.type()).isEqualTo("SGD");
        assertThat(captured.paramGroups()).hasSize(1);
        assertThat(captured.paramGroups().get(0).params()).containsExactly(0, 1);
        assertThat(captured.paramGroups().get(0).options()).containsEntry("lr", 0.5);

        Path ckpt = dir.resolve("o.ckpt");
        OptimizerState adam = new OptimizerState("Adam", 1, captured.paramGroups(), Map.of());
        assertFails(() -> adam.restore(sgd, ckpt), ckpt.resolve("state.json"), "optimizer.type", "Adam", "SGD");

        OptimizerState oneParam = new OptimizerState("SGD", 1,
                List.of(new ParamGroupState(captured.paramGroups().get(0).options(), List.of(0))), Map.of());
        assertFails(() -> oneParam.restore(sgd, ckpt), ckpt.resolve("state.json"), "optimizer.param_groups[0].params");

        Map<String, Double> otherOptions = new LinkedHashMap<>(captured.paramGroups().get(0).options());
        otherOptions.put("nesterov_typo", 1.0);
        OptimizerState options = new OptimizerState("SGD", 1, List.of(new ParamGroupState(otherOptions, List.of(0, 1))),
                Map.of());
        assertFails(() -> options.restore(sgd, ckpt), ckpt.resolve("state.json"), "optimizer.param_groups[0].options");

        OptimizerState badShape = new OptimizerState("SGD", 1, captured.paramGroups(),
                Map.of(1, Map.of("momentum_buffer", HostArray.of(new float[3], 3))));
        assertFails(() -> badShape.restore(sgd, ckpt), ckpt.resolve("optimizer.safetensors"), "state.1.momentum_buffer",
                "shape [3]", "[2]");
        assertThat(sgd.stepCount()).isZero();
        assertThat(sgd.paramGroups().get(0).lr()).isEqualTo(0.5);
    }

    @Test
    void valuesJsonCannotHoldAreRejectedWithTheirPath() {
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("model", Map.of("act", new Object()));
        assertThatThrownBy(() -> Checkpoint.builder().backend("b").modelState(Map.of()).hyperParameters(hp).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hyperParameters.model.act");
        List<Object> withList = new ArrayList<>();
        withList.add(Map.of(1, "x"));
        assertThatThrownBy(() -> Checkpoint.builder().backend("b").modelState(Map.of())
                .callbacks(Map.of("cb", Map.of("l", withList))).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("callbacks.cb.l[0]");
        assertThatThrownBy(() -> new OptimizerState("SGD", 0, List.of(new ParamGroupState(Map.of(), List.of(0))),
                Map.of(1, Map.of()))).hasMessageContaining("parameter 1");
    }

    @Test
    void stateJsonIsUtf8() throws IOException {
        Path p = dir.resolve("u.ckpt");
        Checkpoint c = Checkpoint.builder().backend("pytorch").modelState(Map.of())
                .hyperParameters(Map.of("name", "日本語 \u0007")).build();
        CheckpointIO.save(c, p);
        assertThat(new String(Files.readAllBytes(p.resolve("state.json")), StandardCharsets.UTF_8))
                .contains("\"日本語 \\u0007\"");
        assertThat(CheckpointIO.load(p)).isEqualTo(c);
    }
}
