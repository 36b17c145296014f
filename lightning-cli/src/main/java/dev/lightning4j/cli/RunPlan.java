package dev.lightning4j.cli;

import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.core.Lightning;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Stage;
import dev.lightning4j.data.LightningDataModule;
import dev.lightning4j.trainer.Trainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A whole configuration, validated: the Trainer options, the model and data classes with their
 * chosen constructors and converted arguments, and the seed. Creating a plan builds nothing and
 * touches no engine, so every mistake in a configuration is reported before training starts;
 * {@link #instantiate()} then builds the objects.
 */
public final class RunPlan {
    private final Long seedEverything;
    private final TrainerOptions trainer;
    private final ObjectFactory.Node model;
    private final ObjectFactory.Node data;
    private final String ckptPath;
    private final Map<String, Object> effective;

    private RunPlan(Long seedEverything, TrainerOptions trainer, ObjectFactory.Node model, ObjectFactory.Node data,
                    String ckptPath) {
        this.seedEverything = seedEverything;
        this.trainer = trainer;
        this.model = model;
        this.data = data;
        this.ckptPath = ckptPath;
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("seed_everything", seedEverything);
        e.put("trainer", trainer.config());
        e.put("model", model.config());
        e.put("data", data.config());
        e.put("ckpt_path", ckptPath);
        this.effective = e;
    }

    /** The model and data module of a run, built. */
    public record Instances(LightningModule model, LightningDataModule data) {
    }

    /** Validates a merged configuration tree. */
    public static RunPlan of(Map<String, Object> config) {
        for (String k : config.keySet()) {
            if (!Configs.TOP_LEVEL.contains(k)) {
                String hint = Names.didYouMean(k, Configs.TOP_LEVEL, "");
                if (hint.isEmpty() && TrainerOptions.keys().contains(k)) {
                    hint = "; did you mean trainer." + k + "?";
                }
                throw new CliException(k + ": unknown key; the top level holds " + String.join(", ", Configs.TOP_LEVEL) + hint);
            }
        }
        Long seed = seed(config.get("seed_everything"));
        TrainerOptions trainer = TrainerOptions.plan(config.get("trainer"));
        Object dataSpec = config.get("data");
        if (dataSpec == null) {
            throw new CliException("data: missing; name the LightningDataModule, e.g. data: {class_path: my.pkg.MyData, init_args: {...}}");
        }
        Object modelSpec = config.get("model");
        if (modelSpec == null) {
            throw new CliException("model: missing; name the LightningModule, e.g. model: {class_path: my.pkg.MyModel, init_args: {...}}");
        }
        ObjectFactory.Node data = new ObjectFactory(null).planObject("data", dataSpec, LightningDataModule.class, List.of());
        Class<?> dataClass = ObjectFactory.loadClass("data.class_path",
                (String) ((Map<?, ?>) data.config()).get("class_path"), List.of());
        ObjectFactory.Node model = new ObjectFactory(dataClass).planObject("model", modelSpec, LightningModule.class, List.of());
        Object ckpt = config.get("ckpt_path");
        if (ckpt != null && !(ckpt instanceof String)) {
            throw new CliException("ckpt_path: expected a checkpoint path, \"last\" or \"best\", got " + Configs.describe(ckpt));
        }
        return new RunPlan(seed, trainer, model, data, (String) ckpt);
    }

    private static Long seed(Object v) {
        if (v == null || Boolean.FALSE.equals(v)) {
            return null;
        }
        if (Boolean.TRUE.equals(v)) {
            // As LightningCLI: a fresh seed, written into the saved config so the run can be repeated.
            return ThreadLocalRandom.current().nextLong(0, Integer.MAX_VALUE);
        }
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        throw new CliException("seed_everything: expected an integer seed (or true for a random one), got " + Configs.describe(v));
    }

    /** The effective configuration, every option present, as saved to config.yaml. */
    public Map<String, Object> effective() {
        return effective;
    }

    /** The effective configuration as YAML. */
    public String yaml() {
        return Configs.dump(effective);
    }

    /** The Trainer options. */
    public TrainerOptions trainer() {
        return trainer;
    }

    /** {@code seed_everything}, or null. */
    public Long seedEverything() {
        return seedEverything;
    }

    /** {@code ckpt_path}, or null. */
    public String ckptPath() {
        return ckptPath;
    }

    /**
     * Seeds (so initial weights are the same on every engine), builds the data module and then
     * the model; a model whose arguments link to the data module ({@code ${data.x}}) gets the
     * data module prepared and set up for fitting first.
     */
    public Instances instantiate() {
        if (seedEverything != null) {
            Lightning.seedEverything(seedEverything);
        }
        LightningDataModule dm = (LightningDataModule) data.build(null);
        if (model.needsData()) {
            dm.prepareData();
            dm.setup(Stage.FIT);
        }
        LightningModule m = (LightningModule) model.build(dm);
        return new Instances(m, dm);
    }

    /** A Trainer builder with the configured options, callbacks and loggers, plus {@code extra} callbacks. */
    public Trainer.Builder trainerBuilder(List<Callback> extra) {
        return trainer.builder(extra);
    }
}
