package dev.lightning4j.checkpoint;

import dev.lightning4j.nn.Parameter;
import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.optim.ParamGroup;
import dev.lightning4j.tensor.HostArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The whole training state at one point, as a value: everything {@code fit} needs to continue
 * exactly where it stopped, on either engine. {@link CheckpointIO} writes it to disk and reads it
 * back; nothing here refers to an engine.
 *
 * <p>JSON-compatible parts (scheduler, callback and hyper-parameter maps) are normalised on
 * construction to the types reading them back yields — {@code Long} for integers, {@code Double}
 * for floating point (a {@code Float} widens exactly), insertion-ordered read-only maps and lists —
 * so a checkpoint equals itself after a save and load. Tensor arrays are not copied, to avoid
 * doubling the memory of a large model; do not modify them after building a checkpoint.
 *
 * @param formatVersion   the on-disk format version; always {@link #FORMAT_VERSION} for a value built here
 * @param backend         the name of the backend that wrote it (for example {@code "pytorch"}); informative, a checkpoint loads on any backend
 * @param modelState      parameters and buffers by PyTorch name ({@code encoder.0.weight}), as {@code Module.stateDict()}
 * @param optimizer       the optimizer's state, or null when none is saved (weights-only checkpoint)
 * @param loop            where the fit loop stands
 * @param schedulers      each learning-rate scheduler's {@code stateDict()}, in order
 * @param callbacks       each callback's {@code stateDict()} by its {@code stateKey()}
 * @param rng             random generator states by name (for example {@code "default"}, {@code "dataloader"}), as longs
 * @param hyperParameters the module's hyper-parameters (JSON-compatible)
 */
public record Checkpoint(
        int formatVersion,
        String backend,
        Map<String, HostArray> modelState,
        OptimizerState optimizer,
        LoopState loop,
        List<Map<String, Object>> schedulers,
        Map<String, Map<String, Object>> callbacks,
        Map<String, List<Long>> rng,
        Map<String, Object> hyperParameters) {

    /** The version of the on-disk layout written by this code; bumped on incompatible changes. */
    public static final int FORMAT_VERSION = 1;

    /** Validates and makes read-only, normalised copies. */
    public Checkpoint {
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("checkpoint format version " + formatVersion
                    + " is not the version this code writes (" + FORMAT_VERSION + ")");
        }
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(loop, "loop");
        modelState = copyTensors(Objects.requireNonNull(modelState, "modelState"), "modelState");
        List<Map<String, Object>> sched = new ArrayList<>();
        List<Map<String, Object>> given = Objects.requireNonNull(schedulers, "schedulers");
        for (int i = 0; i < given.size(); i++) {
            sched.add(Json.normalizeMap(Objects.requireNonNull(given.get(i), "schedulers[" + i + "]"), "schedulers[" + i + "]"));
        }
        schedulers = Collections.unmodifiableList(sched);
        Map<String, Map<String, Object>> cbs = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> e : Objects.requireNonNull(callbacks, "callbacks").entrySet()) {
            String path = "callbacks." + e.getKey();
            cbs.put(Objects.requireNonNull(e.getKey(), "callback key"),
                    Json.normalizeMap(Objects.requireNonNull(e.getValue(), path), path));
        }
        callbacks = Collections.unmodifiableMap(cbs);
        Map<String, List<Long>> rngs = new LinkedHashMap<>();
        for (Map.Entry<String, List<Long>> e : Objects.requireNonNull(rng, "rng").entrySet()) {
            List<Long> values = List.copyOf(Objects.requireNonNull(e.getValue(), "rng." + e.getKey()));
            rngs.put(Objects.requireNonNull(e.getKey(), "rng key"), values);
        }
        rng = Collections.unmodifiableMap(rngs);
        hyperParameters = Json.normalizeMap(Objects.requireNonNull(hyperParameters, "hyperParameters"), "hyperParameters");
    }

    /** A builder with empty defaults: no optimizer, loop at the start, no schedulers, callbacks, RNG states or hyper-parameters. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this checkpoint's values. */
    public Builder toBuilder() {
        return new Builder().backend(backend).modelState(modelState).optimizer(optimizer).loop(loop)
                .schedulers(schedulers).callbacks(callbacks).rng(rng).hyperParameters(hyperParameters);
    }

    private static Map<String, HostArray> copyTensors(Map<String, HostArray> tensors, String what) {
        Map<String, HostArray> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(Objects.requireNonNull(k, what + " key"),
                Objects.requireNonNull(v, what + "." + k)));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Where the fit loop stands.
     *
     * @param epoch         the current epoch (0-based)
     * @param globalStep    optimizer steps taken so far, over all epochs
     * @param batchIdx      training batches of {@code epoch} already processed (the next batch to run)
     * @param epochFinished true when {@code epoch} ran to its end (including its validation), so a
     *                      resume starts at {@code epoch + 1}
     */
    public record LoopState(int epoch, long globalStep, int batchIdx, boolean epochFinished) {
        /** Checks the counters are non-negative. */
        public LoopState {
            if (epoch < 0 || globalStep < 0 || batchIdx < 0) {
                throw new IllegalArgumentException("loop state counters must be >= 0: epoch " + epoch
                        + ", globalStep " + globalStep + ", batchIdx " + batchIdx);
            }
        }

        /** The state before any training. */
        public static LoopState initial() {
            return new LoopState(0, 0, 0, false);
        }
    }

    /**
     * One parameter group, as an entry of torch's {@code optimizer.state_dict()["param_groups"]}.
     *
     * @param options the group's hyper-parameters ({@code lr}, {@code momentum}, ...)
     * @param params  the indices of the group's parameters, counted across all groups
     */
    public record ParamGroupState(Map<String, Double> options, List<Integer> params) {
        /** Makes read-only copies. */
        public ParamGroupState {
            options = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(options, "options")));
            params = List.copyOf(params);
        }
    }

    /**
     * An optimizer's state, as torch's {@code optimizer.state_dict()} plus the step count.
     *
     * @param type        the optimizer's simple class name ({@code "Adam"}), checked on restore
     * @param stepCount   optimizer steps taken ({@code Optimizer.stepCount()})
     * @param paramGroups the groups' options and parameter indices
     * @param state       per-parameter state by parameter index, then name ({@code exp_avg}, ...)
     */
    public record OptimizerState(String type, long stepCount, List<ParamGroupState> paramGroups,
                                 Map<Integer, Map<String, HostArray>> state) {
        /** Validates indices and makes read-only copies. */
        public OptimizerState {
            Objects.requireNonNull(type, "type");
            if (stepCount < 0) {
                throw new IllegalArgumentException("optimizer stepCount must be >= 0, got " + stepCount);
            }
            paramGroups = List.copyOf(paramGroups);
            int total = paramGroups.stream().mapToInt(g -> g.params().size()).sum();
            Map<Integer, Map<String, HostArray>> copy = new TreeMap<>();
            for (Map.Entry<Integer, Map<String, HostArray>> e : state.entrySet()) {
                int index = Objects.requireNonNull(e.getKey(), "state index");
                if (index < 0 || index >= total) {
                    throw new IllegalArgumentException("optimizer state for parameter " + index
                            + ", but the param groups hold " + total + " parameters");
                }
                copy.put(index, copyTensors(e.getValue(), "state." + index));
            }
            state = Collections.unmodifiableMap(copy);
        }

        /** Reads an optimizer's current state (copies every per-parameter value to the host). */
        public static OptimizerState capture(Optimizer optimizer) {
            List<ParamGroupState> groups = new ArrayList<>();
            int index = 0;
            for (ParamGroup g : optimizer.paramGroups()) {
                List<Integer> params = new ArrayList<>();
                for (int i = 0; i < g.params().size(); i++) {
                    params.add(index++);
                }
                groups.add(new ParamGroupState(g.options(), params));
            }
            return new OptimizerState(optimizer.getClass().getSimpleName(), optimizer.stepCount(), groups,
                    optimizer.stateDict());
        }

        /**
         * Restores this state into {@code optimizer}, whose parameters must already live on a
         * backend. Everything is checked before anything changes: the optimizer type, the number of
         * groups and of parameters in each, the option names and every state tensor's shape. Errors
         * name {@code checkpoint}'s file and the key.
         */
        public void restore(Optimizer optimizer, Path checkpoint) throws CheckpointException {
            Path stateFile = checkpoint.resolve(CheckpointIO.STATE_FILE);
            Path tensorFile = checkpoint.resolve(CheckpointIO.OPTIMIZER_FILE);
            String actualType = optimizer.getClass().getSimpleName();
            if (!actualType.equals(type)) {
                throw new CheckpointException(stateFile, "optimizer.type", "the checkpoint holds " + type
                        + " state but the module configures " + actualType);
            }
            List<ParamGroup> groups = optimizer.paramGroups();
            if (groups.size() != paramGroups.size()) {
                throw new CheckpointException(stateFile, "optimizer.param_groups", "the checkpoint has "
                        + paramGroups.size() + " param groups but the optimizer has " + groups.size());
            }
            List<Parameter> params = new ArrayList<>();
            for (int g = 0; g < groups.size(); g++) {
                ParamGroup live = groups.get(g);
                ParamGroupState saved = paramGroups.get(g);
                String key = "optimizer.param_groups[" + g + "]";
                if (live.params().size() != saved.params().size()) {
                    throw new CheckpointException(stateFile, key + ".params", "the checkpoint's group has "
                            + saved.params().size() + " parameters but the optimizer's has " + live.params().size());
                }
                if (!live.options().keySet().equals(saved.options().keySet())) {
                    throw new CheckpointException(stateFile, key + ".options", "the checkpoint's options "
                            + saved.options().keySet() + " differ from the optimizer's " + live.options().keySet());
                }
                params.addAll(live.params());
            }
            for (Map.Entry<Integer, Map<String, HostArray>> e : state.entrySet()) {
                Parameter p = params.get(e.getKey());
                for (Map.Entry<String, HostArray> s : e.getValue().entrySet()) {
                    if (!s.getValue().shape().equals(p.shape())) {
                        throw new CheckpointException(tensorFile, CheckpointIO.optimizerKey(e.getKey(), s.getKey()),
                                "has shape " + s.getValue().shape() + " but its parameter has shape " + p.shape());
                    }
                }
            }
            for (int g = 0; g < groups.size(); g++) {
                ParamGroup live = groups.get(g);
                paramGroups.get(g).options().forEach(live::set);
            }
            optimizer.setStepCount(stepCount);
            optimizer.loadStateDict(state);
        }
    }

    /** Builds a {@link Checkpoint}; {@code backend} and {@code modelState} are required. */
    public static final class Builder {
        private String backend;
        private Map<String, HostArray> modelState;
        private OptimizerState optimizer;
        private LoopState loop = LoopState.initial();
        private List<Map<String, Object>> schedulers = List.of();
        private Map<String, Map<String, Object>> callbacks = Map.of();
        private Map<String, List<Long>> rng = Map.of();
        private Map<String, Object> hyperParameters = Map.of();

        private Builder() {
        }

        /** The writing backend's name. */
        public Builder backend(String value) {
            backend = value;
            return this;
        }

        /** The model's state dict. */
        public Builder modelState(Map<String, HostArray> value) {
            modelState = value;
            return this;
        }

        /** The optimizer state, or null. */
        public Builder optimizer(OptimizerState value) {
            optimizer = value;
            return this;
        }

        /** The loop position. */
        public Builder loop(LoopState value) {
            loop = value;
            return this;
        }

        /** The schedulers' states. */
        public Builder schedulers(List<Map<String, Object>> value) {
            schedulers = value;
            return this;
        }

        /** The callbacks' states by state key. */
        public Builder callbacks(Map<String, Map<String, Object>> value) {
            callbacks = value;
            return this;
        }

        /** The RNG states by name. */
        public Builder rng(Map<String, List<Long>> value) {
            rng = value;
            return this;
        }

        /** The hyper-parameters. */
        public Builder hyperParameters(Map<String, Object> value) {
            hyperParameters = value;
            return this;
        }

        /** The checkpoint; fails on a missing required part or a value JSON cannot hold. */
        public Checkpoint build() {
            return new Checkpoint(FORMAT_VERSION, backend, modelState, optimizer, loop, schedulers, callbacks, rng,
                    hyperParameters);
        }
    }
}
