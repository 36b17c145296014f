package dev.lightning4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lightning4j.backend.Backends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration files, overrides, validation messages and --print-config; no engine runs here. */
class ConfigTest {
    @TempDir
    Path tmp;

    private static Cli.Result printConfig(String... more) {
        String[] args = new String[more.length + 4];
        args[0] = "fit";
        args[1] = "--config";
        args[2] = Cli.tiny();
        System.arraycopy(more, 0, args, 3, more.length);
        args[args.length - 1] = "--print-config";
        return Cli.run(args);
    }

    /** A user error: exit 2, one line naming the problem on stderr, no stack trace. */
    private static String userError(Cli.Result r) {
        assertThat(r.status()).as(r.out() + r.err()).isEqualTo(Main.USAGE_ERROR);
        assertThat(r.err()).startsWith("error: ").doesNotContain("Exception").doesNotContain("\tat ");
        return r.err();
    }

    @Test
    void printConfigWritesTheEffectiveConfigurationWithEveryTrainerOption() {
        Cli.Result r = printConfig();
        assertThat(r.status()).as(r.err()).isZero();
        Map<String, Object> y = r.yaml();
        assertThat(y).containsOnlyKeys(Configs.TOP_LEVEL);
        assertThat((Object) Cli.at(y, "seed_everything")).isEqualTo(7);
        Map<String, Object> trainer = Cli.at(y, "trainer");
        assertThat(TrainerOptions.keys()).containsAll(trainer.keySet());
        assertThat(trainer).containsKeys("backend", "accelerator", "devices", "max_epochs", "min_epochs", "max_steps", "max_time",
                "limit_train_batches", "limit_val_batches", "limit_test_batches", "limit_predict_batches", "val_check_interval",
                "check_val_every_n_epoch", "num_sanity_val_steps", "fast_dev_run", "overfit_batches", "accumulate_grad_batches",
                "gradient_clip_val", "gradient_clip_algorithm", "deterministic", "seed", "default_root_dir", "logger", "callbacks",
                "enable_checkpointing", "enable_progress_bar", "enable_model_summary", "log_every_n_steps");
        assertThat(trainer).containsEntry("max_epochs", 2).containsEntry("num_sanity_val_steps", 2)
                .containsEntry("limit_train_batches", 1.0).containsEntry("backend", Backends.resolveName(null));
        assertThat((Object) Cli.at(y, "model.class_path")).isEqualTo(TinyRegressor.class.getName());
        assertThat((Map<String, Object>) Cli.at(y, "model.init_args"))
                .containsExactly(Map.entry("inputs", "${data.inputs}"), Map.entry("hidden", 8), Map.entry("learning_rate", 0.01));
        assertThat((Map<String, Object>) Cli.at(y, "data.init_args"))
                .containsExactly(Map.entry("samples", 64), Map.entry("inputs", 3), Map.entry("batch_size", 16));
    }

    @Test
    void overridesApplyInOrderAndInitArgsHaveAShortForm() throws Exception {
        Path second = tmp.resolve("second.yaml");
        Files.writeString(second, "trainer:\n  max_epochs: 9\n  limit_val_batches: 3\nmodel:\n  init_args:\n    hidden: 32\n");
        Cli.Result r = printConfig("--trainer.max_epochs=5", "--config", second.toString(), "--model.init_args.hidden=64",
                "--model.learningRate", "0.5", "--trainer.backend", "tensorflow", "--trainer.limit_train_batches=0.25");
        assertThat(r.status()).as(r.err()).isZero();
        Map<String, Object> y = r.yaml();
        assertThat((Object) Cli.at(y, "trainer.max_epochs")).as("the later file wins over the earlier override").isEqualTo(9);
        assertThat((Object) Cli.at(y, "trainer.limit_val_batches")).as("an int is a batch count").isEqualTo(3);
        assertThat((Object) Cli.at(y, "trainer.limit_train_batches")).as("a float is a fraction").isEqualTo(0.25);
        assertThat((Object) Cli.at(y, "model.init_args.hidden")).isEqualTo(64);
        assertThat((Object) Cli.at(y, "model.init_args.learning_rate")).as("camelCase key, snake_case output").isEqualTo(0.5);
        assertThat((Object) Cli.at(y, "trainer.backend")).isEqualTo("tensorflow");
    }

    @Test
    void wrongTypesNameTheKeyAndWhatWasExpected() {
        assertThat(userError(printConfig("--trainer.max_epochs=three")))
                .contains("trainer.max_epochs: expected an integer (int), got the string 'three'");
        assertThat(userError(printConfig("--model.hidden=1.5")))
                .contains("model.init_args.hidden: expected an integer (int), got the float 1.5");
        assertThat(userError(printConfig("--trainer.enable_progress_bar=maybe")))
                .contains("trainer.enable_progress_bar: expected a boolean (true or false), got the string 'maybe'");
        assertThat(userError(printConfig("--trainer.limit_train_batches=lots")))
                .contains("trainer.limit_train_batches: expected a batch count (integer, e.g. 10) or a fraction");
        assertThat(userError(printConfig("--trainer.max_epochs=-5")))
                .contains("trainer.max_epochs = -5 is invalid; expected -1 or a count >= 0");
        assertThat(userError(printConfig("--trainer.limit_val_batches=1.5")))
                .contains("trainer.limit_val_batches: batch limit fraction must be in [0, 1], got 1.5");
        assertThat(userError(printConfig("--seed_everything=abc"))).contains("seed_everything: expected an integer seed");
        assertThat(userError(printConfig("--trainer.max_time=soon"))).contains("trainer.max_time: expected a duration");
    }

    @Test
    void misspelledKeysSuggestTheClosestValidKey() throws Exception {
        assertThat(userError(printConfig("--trainer.max_epoch=3")))
                .contains("trainer.max_epoch: unknown Trainer option; did you mean trainer.max_epochs?");
        assertThat(userError(printConfig("--trainer.maxEpochs=3"))).contains("did you mean trainer.max_epochs?");
        assertThat(userError(printConfig("--model.hiden=3")))
                .contains("model.init_args.hiden: unknown argument of TinyRegressor(inputs: int, hidden: int, learning_rate: double)")
                .contains("did you mean model.init_args.hidden?");
        assertThat(userError(printConfig("--data.batchsize=3"))).contains("did you mean data.init_args.batch_size?");
        assertThat(userError(printConfig("--trainer.gradient_clip_algorithm=nrom")))
                .contains("trainer.gradient_clip_algorithm: 'nrom' is not one of norm, value; did you mean norm?");
        assertThat(userError(printConfig("--trainer.backend=pytorc"))).contains("did you mean pytorch?");
        assertThat(userError(printConfig("--max_epochs=3"))).contains("unknown option --max_epochs=3; did you mean --trainer.max_epochs?");
        Path typo = tmp.resolve("typo.yaml");
        Files.writeString(typo, "trainr:\n  max_epochs: 1\n");
        assertThat(userError(printConfig("--config", typo.toString()))).contains("trainr: unknown key").contains("did you mean trainer?");
        Path spec = tmp.resolve("spec.yaml");
        Files.writeString(spec, "model:\n  init_arg:\n    hidden: 3\n");
        assertThat(userError(printConfig("--config", spec.toString()))).contains("did you mean model.init_args?");
        assertThat(userError(Cli.run("fitt", "--config", Cli.tiny()))).contains("unknown command 'fitt'").contains("did you mean fit?");
    }

    @Test
    void missingValuesAndWrongClassesAreNamed() throws Exception {
        Path noHidden = tmp.resolve("nohidden.yaml");
        Files.writeString(noHidden, Files.readString(Path.of(Cli.tiny())).replace("    hidden: 8\n", ""));
        assertThat(userError(Cli.run("fit", "--config", noHidden.toString())))
                .contains("model.init_args: missing value for model.init_args.hidden")
                .contains("TinyRegressor(inputs: int, hidden: int, learning_rate: double) has no default values");
        assertThat(userError(printConfig("--model.class_path=does.not.Exist")))
                .contains("model.class_path: class does.not.Exist not found on the classpath");
        assertThat(userError(printConfig("--model=" + TinyData.class.getName())))
                .contains("model.class_path: dev.lightning4j.cli.TinyData is not a dev.lightning4j.core.LightningModule");
        assertThat(userError(printConfig("--model.inputs=${data.input}")))
                .contains("links to data.input, but dev.lightning4j.cli.TinyData has no public no-argument method or field")
                .contains("did you mean data.inputs?");
        assertThat(userError(Cli.run("fit", "--config", tmp.resolve("absent.yaml").toString())))
                .contains("absent.yaml: no such file");
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "trainer:\n  max_epochs: 1\n  max_epochs: 2\n");
        assertThat(userError(Cli.run("fit", "--config", bad.toString()))).contains("not valid YAML").contains("max_epochs");
    }

    @Test
    void callbacksAndLoggersAreConfiguredByClassPath() throws Exception {
        Path cfg = tmp.resolve("callbacks.yaml");
        Files.writeString(cfg, """
                trainer:
                  callbacks:
                    - class_path: EarlyStopping
                      init_args: {monitor: val_loss, patience: 3, mode: min}
                    - class_path: dev.lightning4j.callbacks.ModelCheckpoint
                      init_args: {monitor: val_loss, save_top_k: 2}
                  logger:
                    class_path: TensorBoardLogger
                """);
        Cli.Result r = printConfig("--config", cfg.toString());
        assertThat(r.status()).as(r.err()).isZero();
        List<Map<String, Object>> callbacks = Cli.at(r.yaml(), "trainer.callbacks");
        assertThat(callbacks).hasSize(2);
        assertThat(callbacks.get(0)).containsEntry("class_path", "dev.lightning4j.callbacks.EarlyStopping");
        assertThat((Map<String, Object>) callbacks.get(0).get("init_args"))
                .containsExactly(Map.entry("monitor", "val_loss"), Map.entry("patience", 3), Map.entry("mode", "min"));
        assertThat((Object) Cli.at(r.yaml(), "trainer.logger.init_args.root_dir")).as("default_root_dir, as Lightning").isEqualTo(".");
        Files.writeString(cfg, "trainer:\n  callbacks:\n    - class_path: EarlyStopping\n      init_args: {monitor: val_loss, patiense: 3}\n");
        assertThat(userError(printConfig("--config", cfg.toString())))
                .contains("trainer.callbacks[0].init_args.patiense").contains("did you mean trainer.callbacks[0].init_args.patience?");
        Files.writeString(cfg, "trainer:\n  callbacks:\n    - class_path: java.lang.String\n");
        assertThat(userError(printConfig("--config", cfg.toString())))
                .contains("trainer.callbacks[0].class_path: java.lang.String is not a dev.lightning4j.callbacks.Callback");
    }

    @Test
    void objectFactoryConvertsScalarsCollectionsEnumsSettersAndFactories() {
        Map<String, Object> spec = Configs.copy(new org.yaml.snakeyaml.Yaml().load("""
                class_path: dev.lightning4j.cli.Kitchen
                init_args:
                  count: 3
                  big: 12345678901
                  rate: 1e-3
                  ratio: 0.5
                  flag: true
                  name: 42
                  file: data/x.csv
                  mode: careful
                  sizes: [1, 2, 3]
                  weights: {a: 1, b: 2.5}
                  retries: 4
                  part: {factory: of, init_args: {label: wheel, size: 2}}
                """));
        ObjectFactory.Node node = new ObjectFactory(null).planObject("obj", spec, Object.class, List.of());
        Kitchen k = (Kitchen) node.build(null);
        assertThat(k.count).isEqualTo(3);
        assertThat(k.big).isEqualTo(12345678901L);
        assertThat(k.rate).as("YAML 1.1 reads 1e-3 as a string; it is still a number").isEqualTo(1e-3);
        assertThat(k.ratio).isEqualTo(0.5f);
        assertThat(k.flag).isTrue();
        assertThat(k.name).isEqualTo("42");
        assertThat(k.file).isEqualTo(Path.of("data/x.csv"));
        assertThat(k.mode).isEqualTo(Kitchen.Mode.CAREFUL);
        assertThat(k.sizes).containsExactly(1, 2, 3);
        assertThat(k.weights).containsEntry("a", 1.0).containsEntry("b", 2.5);
        assertThat(k.retries).isEqualTo(4);
        assertThat(k.part.label).isEqualTo("wheel");
        assertThat(k.part.size).isEqualTo(2);

        spec.put("init_args", Configs.copy(Map.of("count", 1, "big", 1, "rate", 1, "ratio", 1, "flag", false, "name", "n",
                "file", "f", "mode", "fast", "sizes", List.of(1, "x"), "weights", Map.of())));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> new ObjectFactory(null).planObject("obj", spec, Object.class, List.of())))
                .hasMessage("obj.init_args.sizes[1]: expected an integer (int), got the string 'x'");
        Map<String, Object> args = Configs.asStringMap((Map<?, ?>) spec.get("init_args"));
        args.put("sizes", List.of(1));
        args.put("part", Map.of("factory", "standrd"));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> new ObjectFactory(null).planObject("obj", spec, Object.class, List.of())))
                .hasMessageContaining("obj.init_args.part.factory: dev.lightning4j.cli.Kitchen$Part has no public static method "
                        + "'standrd' returning Part; did you mean standard?");
    }

    @Test
    void suggestionsUseEditDistance() {
        assertThat(Names.distance("max_epoch", "max_epochs")).isEqualTo(1);
        assertThat(Names.closest("max_epoch", TrainerOptions.keys())).contains("max_epochs");
        assertThat(Names.closest("zzzzzz", TrainerOptions.keys())).isEmpty();
        assertThat(Names.snake("learningRate")).isEqualTo("learning_rate");
        assertThat(Names.snake("FEATURES")).isEqualTo("features");
        assertThat(Names.camel("batch_size")).isEqualTo("batchSize");
    }

    @Test
    void theShippedWeatherConfigurationIsValid() {
        Path weather = Path.of("..", "configs", "weather.yaml");
        Cli.Result r = Cli.run("fit", "--config", weather.toString(), "--trainer.max_epochs=1", "--print-config");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat((Object) Cli.at(r.yaml(), "model.class_path")).isEqualTo("dev.lightning4j.examples.weather.WeatherForecaster");
        assertThat((Object) Cli.at(r.yaml(), "data.class_path")).isEqualTo("dev.lightning4j.examples.weather.WeatherDataModule");
        assertThat((Object) Cli.at(r.yaml(), "trainer.max_epochs")).isEqualTo(1);
    }
}
