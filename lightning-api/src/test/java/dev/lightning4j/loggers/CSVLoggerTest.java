package dev.lightning4j.loggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CSVLoggerTest {
    @TempDir
    Path root;

    private static Map<String, Double> m(Object... kv) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put((String) kv[i], kv[i + 1] == null ? null : ((Number) kv[i + 1]).doubleValue());
        }
        return out;
    }

    @Test
    void buffersRowsUntilSaveThenWritesASortedHeaderWithStep() throws IOException {
        try (CSVLogger logger = new CSVLogger(root)) {
            assertThat(logger.logDir()).isEqualTo(root.resolve("lightning_logs").resolve("version_0"));
            logger.logMetrics(m("train_loss", 0.5, "lr", 0.001), 0);
            logger.logMetrics(m("train_loss", 0.25, "lr", 1e-05), 1);
            assertThat(logger.metricsFile()).doesNotExist();
            logger.save();
            assertThat(Files.readString(logger.metricsFile())).isEqualTo(
                    "lr,step,train_loss\r\n0.001,0,0.5\r\n1e-05,1,0.25\r\n");
            assertThat(logger.metricKeys()).containsExactly("lr", "step", "train_loss");
        }
    }

    @Test
    void appendsLaterRowsUnderTheSameHeader() throws IOException {
        try (CSVLogger logger = new CSVLogger(root)) {
            logger.logMetrics(m("a", 1), 0);
            logger.save();
            logger.logMetrics(m("a", 2), 1);
            logger.save();
            logger.save();
            assertThat(Files.readAllLines(logger.metricsFile())).containsExactly("a,step", "1.0,0", "2.0,1");
        }
    }

    @Test
    void widensTheHeaderAndRewritesEarlierRowsWhenNewKeysAppear() throws IOException {
        try (CSVLogger logger = new CSVLogger(root)) {
            logger.logMetrics(m("train_loss", 0.5), 0);
            logger.logMetrics(m("train_loss", 0.4), 1);
            logger.save();
            logger.logMetrics(m("val_loss", 0.7, "epoch", 0), 1);
            logger.logMetrics(m("train_loss", 0.3, "weird,key \"q\"", 3), 2);
            logger.save();
            List<String> lines = Files.readAllLines(logger.metricsFile());
            assertThat(lines).containsExactly(
                    "epoch,step,train_loss,val_loss,\"weird,key \"\"q\"\"\"",
                    ",0,0.5,,",
                    ",1,0.4,,",
                    "0,1,,0.7,",
                    ",2,0.3,,3.0");
            // And again, after a rewrite parsed the quoted header back.
            logger.logMetrics(m("z", 1), 3);
            logger.save();
            assertThat(Files.readAllLines(logger.metricsFile())).hasSize(6).last().isEqualTo(",3,,,,1.0");
            assertThat(Files.readAllLines(logger.metricsFile()).get(0)).endsWith(",z");
        }
    }

    @Test
    void writesValuesAsPythonDoesAndLeavesNullsEmpty() throws IOException {
        try (CSVLogger logger = new CSVLogger(root)) {
            logger.logMetrics(m("a", Double.NaN, "b", Double.NEGATIVE_INFINITY, "c", null, "d", 1e16, "e", 123.456), 5);
            logger.save();
            assertThat(Files.readAllLines(logger.metricsFile()))
                    .containsExactly("a,b,d,e,step", "nan,-inf,1e+16,123.456,5");
        }
    }

    @Test
    void savesEveryNStepsAsLightning() throws IOException {
        try (CSVLogger logger = CSVLogger.builder().rootDir(root).flushLogsEveryNSteps(2).build()) {
            logger.logMetrics(m("a", 1), 0);
            assertThat(logger.metricsFile()).doesNotExist();
            logger.logMetrics(m("a", 2), 1);
            assertThat(Files.readAllLines(logger.metricsFile())).hasSize(3);
        }
    }

    @Test
    void prefixesMetricNames() throws IOException {
        try (CSVLogger logger = CSVLogger.builder().rootDir(root).prefix("fold1").build()) {
            logger.logMetrics(m("loss", 1), 0);
            logger.save();
            assertThat(Files.readAllLines(logger.metricsFile()).get(0)).isEqualTo("fold1-loss,step");
        }
    }

    @Test
    void takesTheNextFreeVersion() throws IOException {
        Path experiment = root.resolve("lightning_logs");
        Files.createDirectories(experiment.resolve("version_0"));
        Files.createDirectories(experiment.resolve("version_3"));
        Files.createDirectories(experiment.resolve("version_x"));
        Files.createDirectories(experiment.resolve("other_9"));
        Files.createFile(experiment.resolve("version_7"));
        try (CSVLogger logger = new CSVLogger(root)) {
            assertThat(logger.version()).isEqualTo("version_4");
            assertThat(logger.name()).isEqualTo("lightning_logs");
            logger.save();
        }
        try (CSVLogger next = new CSVLogger(root)) {
            assertThat(next.version()).isEqualTo("version_5");
        }
        try (CSVLogger fresh = new CSVLogger(root, "fresh")) {
            assertThat(fresh.version()).isEqualTo("version_0");
        }
    }

    @Test
    void acceptsAnExplicitVersionOrName() throws IOException {
        try (CSVLogger byNumber = CSVLogger.builder().rootDir(root).name("exp").version(12).build();
                CSVLogger byName = CSVLogger.builder().rootDir(root).name(null).version("baseline").build()) {
            assertThat(byNumber.logDir()).isEqualTo(root.resolve("exp").resolve("version_12"));
            assertThat(byName.logDir()).isEqualTo(root.resolve("baseline"));
            assertThat(byName.rootDir()).isEqualTo(root);
        }
        assertThatThrownBy(() -> CSVLogger.builder().rootDir(root).version("..").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CSVLogger.builder().version(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void replacesTheMetricsOfAnEarlierRunInTheSameVersion() throws IOException {
        try (CSVLogger first = CSVLogger.builder().rootDir(root).version(0).build()) {
            first.logMetrics(m("old", 1), 0);
        }
        try (CSVLogger again = CSVLogger.builder().rootDir(root).version(0).build()) {
            again.logMetrics(m("new", 2), 0);
            again.save();
            assertThat(Files.readAllLines(again.metricsFile())).containsExactly("new,step", "2.0,0");
        }
    }

    @Test
    void writesHparamsYamlOnSave() throws IOException {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("lr", 0.001f);
        params.put("model", Map.of("hidden", List.of(64, 32), "act", "relu"));
        params.put("name", "yes");
        params.put("seed", null);
        try (CSVLogger logger = new CSVLogger(root)) {
            logger.save();
            assertThat(Files.readString(logger.hparamsFile())).isEqualTo("{}\n");
            logger.logHyperparams(params);
            logger.logHyperparams(Map.of("epochs", 3));
            logger.save();
            assertThat(Files.readString(logger.hparamsFile())).isEqualTo(
                    "epochs: 3\n"
                            + "lr: 0.001\n"
                            + "model:\n"
                            + "  act: relu\n"
                            + "  hidden:\n"
                            + "  - 64\n"
                            + "  - 32\n"
                            + "name: 'yes'\n"
                            + "seed: null\n");
        }
    }

    @Test
    void leavesNoTemporaryFilesBehind() throws IOException {
        try (CSVLogger logger = CSVLogger.builder().rootDir(root).flushLogsEveryNSteps(1).build()) {
            logger.logHyperparams(Map.of("a", 1));
            for (int step = 0; step < 50; step++) {
                logger.logMetrics(m("loss", step, "key" + (step % 7), 1), step);
            }
            logger.save();
            try (var files = Files.list(logger.logDir())) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("metrics.csv", "hparams.yaml");
            }
            assertThat(Files.readAllLines(logger.metricsFile())).hasSize(51);
        }
    }

    @Test
    void closeIsIdempotentAndFurtherLoggingFails() {
        CSVLogger logger = new CSVLogger(root);
        logger.logMetrics(m("a", 1), 0);
        logger.close();
        assertThat(logger.metricsFile()).exists();
        logger.close();
        assertThatThrownBy(() -> logger.logMetrics(m("a", 1), 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(logger.logDir().toString());
        assertThatThrownBy(() -> logger.logHyperparams(Map.of())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void reportsTheFileThatCannotBeWritten() throws IOException {
        Path blocker = root.resolve("lightning_logs");
        Files.writeString(blocker, "a file where the experiment folder should be");
        CSVLogger logger = CSVLogger.builder().rootDir(root).version(0).build();
        logger.logMetrics(m("a", 1), 0);
        assertThatThrownBy(logger::save).hasMessageContaining("hparams.yaml");
    }

    @Test
    void aFailedSaveKeepsTheRowsForTheNextOne() throws IOException {
        try (CSVLogger logger = new CSVLogger(root)) {
            logger.logMetrics(m("a", 1), 0);
            logger.save();
            Files.delete(logger.metricsFile());
            Files.createDirectory(logger.metricsFile());
            logger.logMetrics(m("a", 2, "b", 3), 1);
            assertThatThrownBy(logger::save).isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageContaining("metrics.csv");
            assertThat(logger.metricKeys()).containsExactly("a", "step");
            Files.delete(logger.metricsFile());
            logger.save();
            // The logger keeps the text it wrote, so the file it writes again holds every row.
            assertThat(Files.readAllLines(logger.metricsFile())).containsExactly("a,b,step", "1.0,,0", "2.0,3.0,1");
        }
    }

    @Test
    void rewritesWhenTheFileNoLongerStartsWithItsHeader() throws IOException {
        try (CSVLogger logger = new CSVLogger(root)) {
            logger.logMetrics(m("a", 1), 0);
            logger.save();
            Files.writeString(logger.metricsFile(), "step,a\n0,1.0");
            logger.logMetrics(m("a", 2), 1);
            logger.save();
            assertThat(Files.readAllLines(logger.metricsFile())).containsExactly("a,step", "1.0,0", "2.0,1");
        }
    }
}
