package dev.lightning4j.checkpoint;

import dev.lightning4j.checkpoint.Checkpoint.LoopState;
import dev.lightning4j.checkpoint.Checkpoint.OptimizerState;
import dev.lightning4j.checkpoint.Checkpoint.ParamGroupState;
import dev.lightning4j.nn.Module;
import dev.lightning4j.nn.Parameter;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves a {@link Checkpoint} to disk and loads it back, validating everything.
 *
 * <h2>Layout</h2>
 * A checkpoint is a directory, conventionally named {@code <name>.ckpt}:
 * <pre>
 * epoch=3-step=120.ckpt/
 *   model.safetensors      the weights alone, PyTorch names: safetensors.torch.load_file() reads it
 *   optimizer.safetensors  per-parameter optimizer state as "state.&lt;index&gt;.&lt;name&gt;" (only with an optimizer)
 *   state.json             everything else, pretty-printed: format, format_version, backend, loop,
 *                          optimizer (type, step_count, param_groups, state_keys), lr_schedulers,
 *                          callbacks, rng, hyper_parameters, model_keys
 * </pre>
 * {@code state.json} lists the tensor names each safetensors file must hold, so a file swapped or
 * damaged after the fact is caught with the missing key named.
 *
 * <h2>Crash safety</h2>
 * The files are written into a hidden temporary sibling directory ({@code .<name>.<random>.tmp}),
 * each fsynced, then the directory is renamed into place. Replacing an existing checkpoint renames
 * the old one to {@code <name>.old}, renames the new one in and then deletes the old one; if the
 * process dies between the two renames, {@link #load} finds {@code <name>.old} and uses it, and the
 * next save cleans up. A failed save deletes its temporary directory and leaves the previous
 * checkpoint untouched. Concurrent saves to the same name are not supported (one writer per
 * name, as with one Trainer per directory).
 */
public final class CheckpointIO {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointIO.class);

    /** The conventional suffix of checkpoint directories. */
    public static final String SUFFIX = ".ckpt";
    /** The weights file inside a checkpoint. */
    public static final String MODEL_FILE = "model.safetensors";
    /** The optimizer-state file inside a checkpoint. */
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    /** The JSON file with everything else. */
    public static final String STATE_FILE = "state.json";
    /** The value of {@code state.json}'s {@code format} field. */
    public static final String FORMAT_NAME = "lightning4j-checkpoint";
    /** The suffix of the previous checkpoint while it is being replaced. */
    public static final String BACKUP_SUFFIX = ".old";

    private static final Pattern OPTIMIZER_KEY = Pattern.compile("state\\.(0|[1-9][0-9]{0,9})\\.(.+)", Pattern.DOTALL);

    private CheckpointIO() {
    }

    /** Called after each step of a save; tests throw from it to simulate a failure at that point. */
    @FunctionalInterface
    interface SaveHook {
        void after(String stage) throws IOException;
    }

    // ---------------------------------------------------------------- paths

    /** The weights file of the checkpoint at {@code checkpoint}. */
    public static Path modelFile(Path checkpoint) {
        return checkpoint.resolve(MODEL_FILE);
    }

    /** Where the previous checkpoint of this name sits while being replaced. */
    public static Path backupOf(Path checkpoint) {
        Path abs = checkpoint.toAbsolutePath();
        return abs.resolveSibling(abs.getFileName() + BACKUP_SUFFIX);
    }

    /** True when a complete checkpoint exists at {@code checkpoint} (or, after a crash mid-replace, its backup). */
    public static boolean exists(Path checkpoint) {
        return Files.isRegularFile(checkpoint.resolve(STATE_FILE))
                || Files.isRegularFile(backupOf(checkpoint).resolve(STATE_FILE));
    }

    /** Optimizer-file key of one per-parameter state: {@code state.<index>.<name>}, as torch's state dict. */
    public static String optimizerKey(int index, String name) {
        return "state." + index + "." + name;
    }

    // ---------------------------------------------------------------- saving

    /** Saves {@code checkpoint} at {@code target} (a directory path such as {@code last.ckpt}), replacing any checkpoint there atomically. */
    public static void save(Checkpoint checkpoint, Path target) throws IOException {
        save(checkpoint, target, stage -> { });
    }

    static void save(Checkpoint checkpoint, Path target, SaveHook hook) throws IOException {
        Path abs = target.toAbsolutePath();
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        refuseToReplaceNonCheckpoint(abs);
        removeStaleTemporaries(abs);
        Path tmp = DurableFiles.createTempSiblingDirectory(abs);
        try {
            SafeTensors.writeNew(tmp.resolve(MODEL_FILE), checkpoint.modelState(), Map.of("format", "pt"));
            hook.after(MODEL_FILE);
            if (checkpoint.optimizer() != null) {
                SafeTensors.writeNew(tmp.resolve(OPTIMIZER_FILE), flatten(checkpoint.optimizer()), Map.of("format", "pt"));
                hook.after(OPTIMIZER_FILE);
            }
            byte[] json = (Json.write(toJson(checkpoint), true) + "\n").getBytes(StandardCharsets.UTF_8);
            DurableFiles.writeNew(tmp.resolve(STATE_FILE), ch -> DurableFiles.writeFully(ch, ByteBuffer.wrap(json)));
            hook.after(STATE_FILE);
            // The entries of the temporary directory must be durable before it is renamed into place.
            DurableFiles.fsyncDirectory(tmp);
            publish(tmp, abs, hook);
        } catch (IOException | RuntimeException | Error e) {
            DurableFiles.deleteQuietly(tmp, e);
            throw e;
        }
    }

    private static void publish(Path tmp, Path target, SaveHook hook) throws IOException {
        Path parent = target.getParent();
        Path backup = backupOf(target);
        boolean hadTarget = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        if (hadTarget) {
            // The target was published by an atomic rename, so it is complete; a backup beside it
            // is left over from an earlier crash and no longer needed.
            DurableFiles.deleteRecursively(backup);
            DurableFiles.moveAtomically(target, backup);
            DurableFiles.fsyncDirectory(parent);
        }
        try {
            hook.after("backup");
            DurableFiles.moveAtomically(tmp, target);
        } catch (IOException | RuntimeException | Error e) {
            if (hadTarget) {
                try {
                    DurableFiles.moveAtomically(backup, target);
                } catch (IOException | RuntimeException rollback) {
                    // load() still finds the backup, so the previous checkpoint stays reachable.
                    e.addSuppressed(rollback);
                }
            }
            throw e;
        }
        DurableFiles.fsyncDirectory(parent);
        // Without a target, a backup is the only good copy left by a crash; the new checkpoint is
        // now in place, so it can go too.
        try {
            DurableFiles.deleteRecursively(backup);
        } catch (IOException e) {
            LOG.warn("Saved {} but could not delete the previous version at {}: {}", target, backup, e.toString());
        }
    }

    private static void refuseToReplaceNonCheckpoint(Path target) throws CheckpointException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target.resolve(STATE_FILE))) {
            // Replacing deletes the old content; never do that to something that is not a checkpoint.
            throw new CheckpointException(target, null, "exists and is not a checkpoint directory (no "
                    + STATE_FILE + "); refusing to replace it");
        }
    }

    private static void removeStaleTemporaries(Path target) throws IOException {
        String name = target.getFileName().toString();
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(target.getParent(),
                p -> DurableFiles.isTempSiblingName(p.getFileName().toString(), name))) {
            dir.forEach(stale::add);
        }
        for (Path p : stale) {
            LOG.info("Removing {} left by an interrupted save", p);
            DurableFiles.deleteRecursively(p);
        }
    }

    /**
     * Deletes a checkpoint (for example one that fell out of the top k). It is first renamed to a
     * temporary name, so that an interrupted delete never leaves a partial directory that looks
     * like a checkpoint.
     */
    public static void delete(Path checkpoint) throws IOException {
        Path abs = checkpoint.toAbsolutePath();
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            refuseToReplaceNonCheckpoint(abs);
            Path tmp = abs.resolveSibling("." + abs.getFileName() + ".deleted.tmp");
            DurableFiles.deleteRecursively(tmp);
            DurableFiles.moveAtomically(abs, tmp);
            DurableFiles.fsyncDirectory(abs.getParent());
            DurableFiles.deleteRecursively(tmp);
        }
        DurableFiles.deleteRecursively(backupOf(abs));
    }

    private static Map<String, HostArray> flatten(OptimizerState opt) {
        Map<String, HostArray> out = new LinkedHashMap<>();
        opt.state().forEach((index, values) -> values.forEach((name, v) -> out.put(optimizerKey(index, name), v)));
        return out;
    }

    private static Map<String, Object> toJson(Checkpoint c) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT_NAME);
        root.put("format_version", (long) c.formatVersion());
        root.put("backend", c.backend());
        Map<String, Object> loop = new LinkedHashMap<>();
        loop.put("epoch", (long) c.loop().epoch());
        loop.put("global_step", c.loop().globalStep());
        loop.put("batch_idx", (long) c.loop().batchIdx());
        loop.put("epoch_finished", c.loop().epochFinished());
        root.put("loop", loop);
        OptimizerState opt = c.optimizer();
        if (opt == null) {
            root.put("optimizer", null);
        } else {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("type", opt.type());
            o.put("step_count", opt.stepCount());
            List<Object> groups = new ArrayList<>();
            for (ParamGroupState g : opt.paramGroups()) {
                Map<String, Object> gj = new LinkedHashMap<>();
                gj.put("params", new ArrayList<Object>(g.params().stream().map(Integer::longValue).toList()));
                gj.put("options", new LinkedHashMap<String, Object>(g.options()));
                groups.add(gj);
            }
            o.put("param_groups", groups);
            o.put("state_keys", new ArrayList<Object>(flatten(opt).keySet()));
            root.put("optimizer", o);
        }
        root.put("lr_schedulers", c.schedulers());
        root.put("callbacks", c.callbacks());
        Map<String, Object> rng = new LinkedHashMap<>();
        c.rng().forEach((k, v) -> rng.put(k, v));
        root.put("rng", rng);
        root.put("hyper_parameters", c.hyperParameters());
        root.put("model_keys", new ArrayList<Object>(c.modelState().keySet()));
        return root;
    }

    // ---------------------------------------------------------------- loading

    /**
     * Loads and validates the checkpoint at {@code checkpoint}. After a crash between the two renames
     * of a replace, the previous checkpoint is read from its backup. Errors name the file and key.
     */
    public static Checkpoint load(Path checkpoint) throws IOException {
        Path dir = resolveExisting(checkpoint);
        Path stateFile = dir.resolve(STATE_FILE);
        StateReader r = new StateReader(stateFile, readJson(stateFile));
        Map<String, Object> root = r.root;

        String format = r.string(root, "format", "format");
        if (!format.equals(FORMAT_NAME)) {
            throw new CheckpointException(stateFile, "format", "is '" + format + "', expected '" + FORMAT_NAME + "'");
        }
        long version = r.integer(root, "format_version", "format_version");
        if (version != Checkpoint.FORMAT_VERSION) {
            throw new CheckpointException(stateFile, "format_version", "is " + version + " but this Lightning4J reads version "
                    + Checkpoint.FORMAT_VERSION + (version > Checkpoint.FORMAT_VERSION ? "; it was written by a newer version" : ""));
        }
        String backend = r.string(root, "backend", "backend");
        Map<String, Object> loopJson = r.object(root, "loop", "loop");
        LoopState loop;
        try {
            loop = new LoopState(
                    Math.toIntExact(r.integer(loopJson, "epoch", "loop.epoch")),
                    r.integer(loopJson, "global_step", "loop.global_step"),
                    Math.toIntExact(r.integer(loopJson, "batch_idx", "loop.batch_idx")),
                    r.bool(loopJson, "epoch_finished", "loop.epoch_finished"));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new CheckpointException(stateFile, "loop", "invalid: " + e.getMessage(), e);
        }

        Path modelFile = dir.resolve(MODEL_FILE);
        Map<String, HostArray> model = SafeTensors.read(modelFile).tensors();
        List<String> modelKeys = r.strings(root, "model_keys", "model_keys");
        checkKeys(modelFile, model.keySet(), modelKeys);
        // Keep the order the model was saved in (state.json records it; the safetensors file is
        // ordered by dtype and name), so the loaded state dict iterates like Module.stateDict().
        Map<String, HostArray> orderedModel = new LinkedHashMap<>();
        modelKeys.forEach(k -> orderedModel.put(k, model.get(k)));

        OptimizerState optimizer = null;
        if (!root.containsKey("optimizer")) {
            throw new CheckpointException(stateFile, "optimizer", "missing (null when no optimizer was saved)");
        }
        if (root.get("optimizer") != null) {
            optimizer = readOptimizer(r, r.object(root, "optimizer", "optimizer"), dir.resolve(OPTIMIZER_FILE));
        }

        List<Map<String, Object>> schedulers = new ArrayList<>();
        List<Object> schedJson = r.list(root, "lr_schedulers", "lr_schedulers");
        for (int i = 0; i < schedJson.size(); i++) {
            schedulers.add(r.asObject(schedJson.get(i), "lr_schedulers[" + i + "]"));
        }
        Map<String, Map<String, Object>> callbacks = new LinkedHashMap<>();
        Map<String, Object> cbJson = r.object(root, "callbacks", "callbacks");
        for (Map.Entry<String, Object> e : cbJson.entrySet()) {
            callbacks.put(e.getKey(), r.asObject(e.getValue(), "callbacks." + e.getKey()));
        }
        Map<String, List<Long>> rng = new LinkedHashMap<>();
        Map<String, Object> rngJson = r.object(root, "rng", "rng");
        for (String name : rngJson.keySet()) {
            rng.put(name, r.longs(rngJson, name, "rng." + name));
        }
        Map<String, Object> hparams = r.object(root, "hyper_parameters", "hyper_parameters");
        return new Checkpoint(Checkpoint.FORMAT_VERSION, backend, orderedModel, optimizer, loop, schedulers, callbacks,
                rng, hparams);
    }

    /**
     * The weights alone: from a checkpoint directory's {@code model.safetensors}, or from a
     * {@code .safetensors} file given directly (one exported from Python, for example).
     */
    public static Map<String, HostArray> loadModelState(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            return SafeTensors.read(path).tensors();
        }
        return SafeTensors.read(resolveExisting(path).resolve(MODEL_FILE)).tensors();
    }

    private static Path resolveExisting(Path checkpoint) throws CheckpointException {
        if (Files.isDirectory(checkpoint)) {
            return checkpoint;
        }
        Path backup = backupOf(checkpoint);
        if (!Files.exists(checkpoint, LinkOption.NOFOLLOW_LINKS) && Files.isRegularFile(backup.resolve(STATE_FILE))) {
            LOG.warn("{} is missing but {} exists (a save was interrupted while replacing it); loading the previous "
                    + "checkpoint from there", checkpoint, backup);
            return backup;
        }
        if (Files.exists(checkpoint)) {
            throw new CheckpointException(checkpoint, null, "is a file, but a checkpoint is a directory holding "
                    + MODEL_FILE + " and " + STATE_FILE);
        }
        throw new CheckpointException(checkpoint, null, "no checkpoint found");
    }

    private static Object readJson(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, null, "missing: the checkpoint is incomplete or not a checkpoint", e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file, null, "not valid UTF-8 (corrupted?)", e);
        }
        try {
            return Json.parse(text, true);
        } catch (Json.SyntaxException e) {
            throw new CheckpointException(file, e.path(), e.getMessage() + " (truncated or corrupted?)", e);
        }
    }

    private static OptimizerState readOptimizer(StateReader r, Map<String, Object> o, Path tensorFile) throws IOException {
        String type = r.string(o, "type", "optimizer.type");
        long stepCount = r.integer(o, "step_count", "optimizer.step_count");
        List<Object> groupsJson = r.list(o, "param_groups", "optimizer.param_groups");
        List<ParamGroupState> groups = new ArrayList<>();
        int expectedIndex = 0;
        for (int g = 0; g < groupsJson.size(); g++) {
            String path = "optimizer.param_groups[" + g + "]";
            Map<String, Object> gj = r.asObject(groupsJson.get(g), path);
            List<Integer> params = new ArrayList<>();
            for (Long p : r.longs(gj, "params", path + ".params")) {
                // Indices count parameters across groups in order, as torch's state dict does.
                if (p != expectedIndex) {
                    throw new CheckpointException(r.file, path + ".params", "expected parameter index " + expectedIndex
                            + ", found " + p);
                }
                params.add(expectedIndex++);
            }
            Map<String, Double> options = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : r.object(gj, "options", path + ".options").entrySet()) {
                if (!(e.getValue() instanceof Number n)) {
                    throw new CheckpointException(r.file, path + ".options." + e.getKey(), "must be a number");
                }
                options.put(e.getKey(), n.doubleValue());
            }
            groups.add(new ParamGroupState(options, params));
        }
        List<String> stateKeys = r.strings(o, "state_keys", "optimizer.state_keys");
        Map<String, HostArray> flat = SafeTensors.read(tensorFile).tensors();
        checkKeys(tensorFile, flat.keySet(), stateKeys);
        Map<Integer, Map<String, HostArray>> state = new TreeMap<>();
        for (String key : stateKeys) {
            Matcher m = OPTIMIZER_KEY.matcher(key);
            if (!m.matches()) {
                throw new CheckpointException(tensorFile, key, "is not of the form state.<parameter index>.<name>");
            }
            int index = Integer.parseInt(m.group(1));
            if (index >= expectedIndex) {
                throw new CheckpointException(tensorFile, key, "refers to parameter " + index + " but the param groups hold "
                        + expectedIndex + " parameters");
            }
            state.computeIfAbsent(index, i -> new LinkedHashMap<>()).put(m.group(2), flat.get(key));
        }
        try {
            return new OptimizerState(type, stepCount, groups, state);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(r.file, "optimizer", "invalid: " + e.getMessage(), e);
        }
    }

    /** The tensors in {@code file} must be exactly those {@code state.json} lists. */
    private static void checkKeys(Path file, Set<String> actual, List<String> expected) throws CheckpointException {
        Set<String> listed = new TreeSet<>();
        for (String k : expected) {
            if (!listed.add(k)) {
                throw new CheckpointException(file, k, "is listed twice in " + STATE_FILE);
            }
        }
        for (String k : expected) {
            if (!actual.contains(k)) {
                throw new CheckpointException(file, k, "missing: " + STATE_FILE + " lists it but the file does not hold it");
            }
        }
        for (String k : actual) {
            if (!listed.contains(k)) {
                throw new CheckpointException(file, k, "unexpected: the file holds it but " + STATE_FILE + " does not list it");
            }
        }
    }

    /** Typed access to parsed JSON whose errors name the file and the key path. */
    private static final class StateReader {
        final Path file;
        final Map<String, Object> root;

        @SuppressWarnings("unchecked")
        StateReader(Path file, Object parsed) throws CheckpointException {
            this.file = file;
            if (!(parsed instanceof Map)) {
                throw new CheckpointException(file, null, "expected a JSON object at the top level");
            }
            this.root = (Map<String, Object>) parsed;
        }

        private Object required(Map<String, Object> m, String key, String path) throws CheckpointException {
            if (!m.containsKey(key)) {
                throw new CheckpointException(file, path, "missing");
            }
            return m.get(key);
        }

        String string(Map<String, Object> m, String key, String path) throws CheckpointException {
            if (!(required(m, key, path) instanceof String s)) {
                throw new CheckpointException(file, path, "must be a string");
            }
            return s;
        }

        long integer(Map<String, Object> m, String key, String path) throws CheckpointException {
            if (!(required(m, key, path) instanceof Long v)) {
                throw new CheckpointException(file, path, "must be an integer");
            }
            return v;
        }

        boolean bool(Map<String, Object> m, String key, String path) throws CheckpointException {
            if (!(required(m, key, path) instanceof Boolean v)) {
                throw new CheckpointException(file, path, "must be true or false");
            }
            return v;
        }

        Map<String, Object> object(Map<String, Object> m, String key, String path) throws CheckpointException {
            return asObject(required(m, key, path), path);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> asObject(Object value, String path) throws CheckpointException {
            if (!(value instanceof Map)) {
                throw new CheckpointException(file, path, "must be a JSON object");
            }
            return (Map<String, Object>) value;
        }

        @SuppressWarnings("unchecked")
        List<Object> list(Map<String, Object> m, String key, String path) throws CheckpointException {
            if (!(required(m, key, path) instanceof List)) {
                throw new CheckpointException(file, path, "must be a JSON array");
            }
            return (List<Object>) m.get(key);
        }

        List<String> strings(Map<String, Object> m, String key, String path) throws CheckpointException {
            List<String> out = new ArrayList<>();
            List<Object> values = list(m, key, path);
            for (int i = 0; i < values.size(); i++) {
                if (!(values.get(i) instanceof String s)) {
                    throw new CheckpointException(file, path + "[" + i + "]", "must be a string");
                }
                out.add(s);
            }
            return out;
        }

        List<Long> longs(Map<String, Object> m, String key, String path) throws CheckpointException {
            List<Long> out = new ArrayList<>();
            List<Object> values = list(m, key, path);
            for (int i = 0; i < values.size(); i++) {
                if (!(values.get(i) instanceof Long v)) {
                    throw new CheckpointException(file, path + "[" + i + "]", "must be an integer");
                }
                out.add(v);
            }
            return out;
        }
    }

    // ---------------------------------------------------------------- model compatibility

    /**
     * Checks a loaded state dict against {@code module} before loading it: with {@code strict},
     * every module key must be present and no other key may be; shapes must always match. Dtypes
     * may differ, as in PyTorch ({@code Parameter.load} converts). Every problem is listed; the
     * exception's key is the first offending one and its file is {@code file}.
     */
    public static void checkModelState(Path file, Map<String, HostArray> loaded, Module module, boolean strict)
            throws CheckpointException {
        Map<String, Shape> expected = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : module.namedState().entrySet()) {
            expected.put(e.getKey(), e.getValue().shape());
        }
        checkModelState(file, loaded, expected, module.getClass().getSimpleName(), strict);
    }

    /** As {@link #checkModelState(Path, Map, Module, boolean)}, against expected shapes by name. */
    public static void checkModelState(Path file, Map<String, HostArray> loaded, Map<String, Shape> expected,
                                       String modelName, boolean strict) throws CheckpointException {
        List<String> problems = new ArrayList<>();
        String firstKey = null;
        if (strict) {
            Set<String> missing = new TreeSet<>(expected.keySet());
            missing.removeAll(loaded.keySet());
            Set<String> unexpected = new TreeSet<>(loaded.keySet());
            unexpected.removeAll(expected.keySet());
            if (!missing.isEmpty()) {
                problems.add("missing keys " + missing);
                firstKey = missing.iterator().next();
            }
            if (!unexpected.isEmpty()) {
                problems.add("unexpected keys " + unexpected);
                firstKey = firstKey == null ? unexpected.iterator().next() : firstKey;
            }
        }
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            HostArray v = loaded.get(e.getKey());
            if (v != null && !v.shape().equals(e.getValue())) {
                problems.add("'" + e.getKey() + "' has shape " + v.shape() + " but " + modelName + " expects " + e.getValue());
                firstKey = firstKey == null ? e.getKey() : firstKey;
            }
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException(file, firstKey, "does not match " + modelName + ": " + String.join("; ", problems));
        }
    }
}
