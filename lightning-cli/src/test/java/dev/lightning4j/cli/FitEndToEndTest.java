package dev.lightning4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** {@code lightning fit} (and the other stages) of the tiny configuration, in-process, on each engine. */
class FitEndToEndTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void fitTrainsOnTheConfiguredEngineAndSavesTheEffectiveConfig(String backend) throws Exception {
        Cli.Result r = Cli.run("fit", "--config", Cli.tiny(), "--trainer.backend=" + backend,
                "--trainer.default_root_dir=" + tmp, "--model.hidden=6");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("fit finished on " + backend + ": 2 epochs, 8 steps").contains("val_loss");
        Path saved = tmp.resolve("lightning_logs/version_0/config.yaml");
        assertThat(r.out()).contains("config: " + saved);
        assertThat(saved).isRegularFile();
        assertThat(tmp.resolve("lightning_logs/version_0/metrics.csv")).isRegularFile();
        Map<String, Object> y = new Yaml().load(Files.readString(saved));
        assertThat((Object) Cli.at(y, "trainer.backend")).isEqualTo(backend);
        assertThat((Object) Cli.at(y, "model.init_args.hidden")).isEqualTo(6);
        // The saved file reproduces the run: read back, it is the same effective configuration.
        Cli.Result again = Cli.run("fit", "--config", saved.toString(), "--print-config");
        assertThat(again.status()).as(again.err()).isZero();
        assertThat(again.out()).isEqualTo(Files.readString(saved));
    }

    @Test
    void validateTestAndPredictRunTheirLoops() {
        String[] common = {"--config", Cli.tiny(), "--trainer.logger=false", "--trainer.backend=pytorch"};
        Cli.Result v = Cli.run(concat("validate", common));
        assertThat(v.status()).as(v.err()).isZero();
        assertThat(v.out()).contains("val_loss");
        Cli.Result t = Cli.run(concat("test", common));
        assertThat(t.status()).as(t.err()).isZero();
        assertThat(t.out()).contains("test_loss");
        Cli.Result p = Cli.run("predict", "--config", Cli.tiny(), "--trainer.default_root_dir=" + tmp, "--trainer.backend=pytorch");
        assertThat(p.status()).as(p.err()).isZero();
        assertThat(p.out()).contains("predict finished on pytorch: 1 batches, 16 rows");
        assertThat(tmp.resolve("lightning_logs/version_0/predictions.csv")).isRegularFile();
    }

    private static String[] concat(String first, String[] rest) {
        String[] out = new String[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }
}
