package dev.lightning4j.loggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lightning4j.loggers.EventFileReader.Msg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBoardLoggerTest {
    @TempDir
    Path root;

    private static Path onlyEventFile(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> events = files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents."))
                    .toList();
            assertThat(events).hasSize(1);
            return events.get(0);
        }
    }

    private static List<Msg> events(Path file) throws IOException {
        List<Msg> out = new ArrayList<>();
        for (byte[] record : EventFileReader.records(file)) {
            out.add(EventFileReader.parse(record));
        }
        return out;
    }

    private static Msg value(Msg event) {
        return event.msg(TfEvents.EVENT_SUMMARY).msg(TfEvents.SUMMARY_VALUE);
    }

    @Test
    void crcMatchesTheKnownCheckValueAndTheMaskRoundTrips() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(EventFileReader.crc32c(check)).isEqualTo(0xe3069283);
        assertThat(TfRecord.maskedCrc(check, 0, check.length)).isEqualTo(EventFileReader.maskedCrc(check));
        int masked = TfRecord.maskedCrc(check, 0, check.length);
        int unmasked = Integer.rotateLeft(masked - 0xa282ead8, 15);
        assertThat(unmasked).isEqualTo(0xe3069283);
    }

    @Test
    void framesARecordAsTensorFlowDoes() {
        byte[] data = {1, 2, 3};
        byte[] record = TfRecord.frame(data);
        assertThat(record).hasSize(3 + 16);
        assertThat(record).startsWith(3, 0, 0, 0, 0, 0, 0, 0);
        assertThat(java.util.Arrays.copyOfRange(record, 12, 15)).containsExactly(1, 2, 3);
    }

    @Test
    void encodesVarintsAndFixedWidthFields() {
        byte[] bytes = new ProtoWriter().varint(1, 300).varint(2, -1).floatField(3, 1.5f).doubleField(4, -2.25)
                .string(5, "héllo").toByteArray();
        Msg m = EventFileReader.parse(bytes);
        assertThat(m.varint(1)).isEqualTo(300);
        assertThat(m.varint(2)).isEqualTo(-1);
        assertThat(m.flt(3)).isEqualTo(1.5f);
        assertThat(m.dbl(4)).isEqualTo(-2.25);
        assertThat(m.str(5)).isEqualTo("héllo");
        // 300 = 0b10_0101100: 0xac 0x02 after the key 0x08.
        assertThat(bytes).startsWith(0x08, 0xac - 256, 0x02);
    }

    @Test
    void writesFileVersionThenScalarEventsAfterSave() throws IOException {
        double before = System.currentTimeMillis() / 1000.0;
        try (TensorBoardLogger logger = TensorBoardLogger.builder().rootDir(root).build()) {
            assertThat(logger.logDir()).isEqualTo(root.resolve("lightning_logs").resolve("version_0"));
            logger.logMetrics(Map.of("loss", 0.5), 0);
            logger.logMetrics(new LinkedHashMap<>(Map.of("loss", 0.25)), 7);
            Path file = logger.eventFile().orElseThrow();
            assertThat(Files.size(file)).isZero();
            logger.save();
            assertThat(Files.size(file)).isPositive();

            List<Msg> events = events(file);
            assertThat(events).hasSize(3);
            Msg first = events.get(0);
            assertThat(first.str(TfEvents.EVENT_FILE_VERSION)).isEqualTo("brain.Event:2");
            assertThat(first.dbl(TfEvents.EVENT_WALL_TIME)).isBetween(before - 1, before + 600);
            assertThat(first.has(TfEvents.EVENT_SUMMARY)).isFalse();

            Msg atZero = events.get(1);
            assertThat(atZero.has(TfEvents.EVENT_STEP)).isFalse(); // proto3 default
            assertThat(value(atZero).str(TfEvents.VALUE_TAG)).isEqualTo("loss");
            assertThat(value(atZero).flt(TfEvents.VALUE_SIMPLE_VALUE)).isEqualTo(0.5f);
            Msg atSeven = events.get(2);
            assertThat(atSeven.varint(TfEvents.EVENT_STEP)).isEqualTo(7);
            assertThat(value(atSeven).flt(TfEvents.VALUE_SIMPLE_VALUE)).isEqualTo(0.25f);
            assertThat(atSeven.dbl(TfEvents.EVENT_WALL_TIME)).isGreaterThanOrEqualTo(first.dbl(TfEvents.EVENT_WALL_TIME));
        }
    }

    @Test
    void namesTheFileLikeTensorFlow() throws IOException {
        try (TensorBoardLogger logger = new TensorBoardLogger(root, "exp")) {
            logger.logMetrics(Map.of("a", 1.0), 1);
            logger.save();
            String name = onlyEventFile(logger.logDir()).getFileName().toString();
            assertThat(name).matches("events\\.out\\.tfevents\\.\\d{10}\\.[A-Za-z0-9._-]+\\."
                    + ProcessHandle.current().pid() + "\\.\\d+");
        }
    }

    @Test
    void zeroAndSpecialValuesAreStillWritten() throws IOException {
        try (TensorBoardLogger logger = new TensorBoardLogger(root)) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("zero", 0.0);
            metrics.put("nan", Double.NaN);
            metrics.put("skipped", null);
            logger.logMetrics(metrics, 3);
            logger.save();
            List<Msg> events = events(onlyEventFile(logger.logDir()));
            assertThat(events).hasSize(3);
            assertThat(value(events.get(1)).has(TfEvents.VALUE_SIMPLE_VALUE)).isTrue();
            assertThat(value(events.get(1)).flt(TfEvents.VALUE_SIMPLE_VALUE)).isZero();
            assertThat(value(events.get(2)).flt(TfEvents.VALUE_SIMPLE_VALUE)).isNaN();
        }
    }

    @Test
    void hyperparametersGoToTheHParamsPluginAndHparamsYaml() throws IOException {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("lr", 0.001);
        params.put("batch_size", 32);
        params.put("optimizer", "adam");
        params.put("nesterov", true);
        params.put("layers", List.of(64, 32));
        params.put("sched", Map.of("gamma", 0.5));
        try (TensorBoardLogger logger = new TensorBoardLogger(root)) {
            logger.logHyperparams(params);
            logger.save();

            List<Msg> events = events(onlyEventFile(logger.logDir()));
            // file_version, hp_metric, experiment, session start, session end
            assertThat(events).hasSize(5);
            Msg hp = value(events.get(1));
            assertThat(hp.str(TfEvents.VALUE_TAG)).isEqualTo("hp_metric");
            assertThat(hp.flt(TfEvents.VALUE_SIMPLE_VALUE)).isEqualTo(-1f);

            Msg experimentValue = value(events.get(2));
            assertThat(experimentValue.str(TfEvents.VALUE_TAG)).isEqualTo("_hparams_/experiment");
            Msg plugin = experimentValue.msg(TfEvents.VALUE_METADATA).msg(TfEvents.METADATA_PLUGIN_DATA);
            assertThat(plugin.str(TfEvents.PLUGIN_DATA_PLUGIN_NAME)).isEqualTo("hparams");
            Msg content = EventFileReader.parse(plugin.bytes(TfEvents.PLUGIN_DATA_CONTENT));
            assertThat(content.has(TfEvents.PLUGIN_DATA_VERSION)).isFalse(); // version 0
            Msg experiment = content.msg(TfEvents.PLUGIN_DATA_EXPERIMENT);
            Map<String, Long> types = new LinkedHashMap<>();
            for (Msg info : experiment.msgs(TfEvents.EXPERIMENT_HPARAM_INFOS)) {
                types.put(info.str(TfEvents.HPARAM_INFO_NAME), info.varint(TfEvents.HPARAM_INFO_TYPE));
            }
            assertThat(types).containsExactly(Map.entry("lr", 3L), Map.entry("batch_size", 3L),
                    Map.entry("optimizer", 1L), Map.entry("nesterov", 2L), Map.entry("layers", 1L),
                    Map.entry("sched/gamma", 3L));
            List<Msg> metricInfos = experiment.msgs(TfEvents.EXPERIMENT_METRIC_INFOS);
            assertThat(metricInfos).hasSize(1);
            assertThat(metricInfos.get(0).msg(TfEvents.METRIC_INFO_NAME).str(TfEvents.METRIC_NAME_TAG))
                    .isEqualTo("hp_metric");
            // TensorBoard's NULL_TENSOR: DT_FLOAT, shape [0].
            Msg tensor = experimentValue.msg(TfEvents.VALUE_TENSOR);
            assertThat(tensor.varint(TfEvents.TENSOR_DTYPE)).isEqualTo(1);
            assertThat(tensor.msg(TfEvents.TENSOR_SHAPE).msgs(TfEvents.SHAPE_DIM)).hasSize(1);

            Msg startValue = value(events.get(3));
            assertThat(startValue.str(TfEvents.VALUE_TAG)).isEqualTo("_hparams_/session_start_info");
            Msg start = EventFileReader.parse(startValue.msg(TfEvents.VALUE_METADATA)
                    .msg(TfEvents.METADATA_PLUGIN_DATA).bytes(TfEvents.PLUGIN_DATA_CONTENT))
                    .msg(TfEvents.PLUGIN_DATA_SESSION_START_INFO);
            Map<String, Msg> values = new LinkedHashMap<>();
            for (Msg entry : start.msgs(TfEvents.SESSION_START_HPARAMS)) {
                values.put(entry.str(TfEvents.MAP_KEY), entry.msg(TfEvents.MAP_VALUE));
            }
            assertThat(values.get("lr").dbl(TfEvents.STRUCT_NUMBER_VALUE)).isEqualTo(0.001);
            assertThat(values.get("batch_size").dbl(TfEvents.STRUCT_NUMBER_VALUE)).isEqualTo(32.0);
            assertThat(values.get("optimizer").str(TfEvents.STRUCT_STRING_VALUE)).isEqualTo("adam");
            assertThat(values.get("nesterov").varint(TfEvents.STRUCT_BOOL_VALUE)).isEqualTo(1);
            assertThat(values.get("layers").str(TfEvents.STRUCT_STRING_VALUE)).isEqualTo("[64, 32]");
            assertThat(values.get("sched/gamma").dbl(TfEvents.STRUCT_NUMBER_VALUE)).isEqualTo(0.5);
            assertThat(start.dbl(TfEvents.SESSION_START_START_TIME_SECS)).isPositive();

            Msg endValue = value(events.get(4));
            assertThat(endValue.str(TfEvents.VALUE_TAG)).isEqualTo("_hparams_/session_end_info");
            Msg end = EventFileReader.parse(endValue.msg(TfEvents.VALUE_METADATA)
                    .msg(TfEvents.METADATA_PLUGIN_DATA).bytes(TfEvents.PLUGIN_DATA_CONTENT))
                    .msg(TfEvents.PLUGIN_DATA_SESSION_END_INFO);
            assertThat(end.varint(TfEvents.SESSION_END_STATUS)).isEqualTo(1);

            assertThat(Files.readString(logger.hparamsFile())).isEqualTo(
                    "batch_size: 32\nlayers:\n- 64\n- 32\nlr: 0.001\nnesterov: true\noptimizer: adam\nsched:\n  gamma: 0.5\n");
        }
    }

    @Test
    void explicitMetricsReplaceTheDefaultHpMetric() throws IOException {
        try (TensorBoardLogger logger = TensorBoardLogger.builder().rootDir(root).prefix("train").build()) {
            logger.logHyperparams(Map.of("lr", 0.1), Map.of("val_acc", 0.0));
            logger.save();
            List<Msg> events = events(onlyEventFile(logger.logDir()));
            assertThat(value(events.get(1)).str(TfEvents.VALUE_TAG)).isEqualTo("train-val_acc");
            Msg experiment = EventFileReader.parse(value(events.get(2)).msg(TfEvents.VALUE_METADATA)
                    .msg(TfEvents.METADATA_PLUGIN_DATA).bytes(TfEvents.PLUGIN_DATA_CONTENT))
                    .msg(TfEvents.PLUGIN_DATA_EXPERIMENT);
            assertThat(experiment.msgs(TfEvents.EXPERIMENT_METRIC_INFOS).get(0).msg(TfEvents.METRIC_INFO_NAME)
                    .str(TfEvents.METRIC_NAME_TAG)).isEqualTo("train-val_acc");
        }
    }

    @Test
    void withoutTheDefaultHpMetricOnlyHparamsYamlIsWritten() throws IOException {
        try (TensorBoardLogger logger = TensorBoardLogger.builder().rootDir(root).defaultHpMetric(false).build()) {
            logger.logHyperparams(Map.of("lr", 0.1));
            logger.save();
            assertThat(logger.eventFile()).isEmpty();
            assertThat(Files.readString(logger.hparamsFile())).isEqualTo("lr: 0.1\n");
        }
    }

    @Test
    void versionsAdvanceAndNothingIsCreatedUntilTheFirstRecord() throws IOException {
        try (TensorBoardLogger first = new TensorBoardLogger(root)) {
            first.save();
            assertThat(Files.exists(first.logDir())).isFalse();
            first.logMetrics(Map.of("x", 1.0), 0);
        }
        try (TensorBoardLogger second = new TensorBoardLogger(root)) {
            assertThat(second.version()).isEqualTo("version_1");
        }
        try (TensorBoardLogger named = TensorBoardLogger.builder().rootDir(root).name("").version("run_a").build()) {
            assertThat(named.logDir()).isEqualTo(root.resolve("run_a"));
            assertThat(named.name()).isEmpty();
        }
    }

    @Test
    void closeIsIdempotentAndFurtherLoggingFails() throws IOException {
        TensorBoardLogger logger = new TensorBoardLogger(root);
        logger.logMetrics(Map.of("x", 2.0), 1);
        logger.close();
        logger.close();
        logger.save();
        assertThatThrownBy(() -> logger.logMetrics(Map.of("x", 1.0), 2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(logger.logDir().toString());
        List<Msg> events = events(onlyEventFile(logger.logDir()));
        assertThat(events).hasSize(2);
        assertThat(value(events.get(1)).flt(TfEvents.VALUE_SIMPLE_VALUE)).isCloseTo(2f, within(0f));
        // The run has events, so hparams.yaml is written even without hyper-parameters, as Lightning.
        assertThat(Files.readString(logger.hparamsFile())).isEqualTo("{}\n");
    }

    @Test
    void manyEventsRoundTripThroughTheAutoDrain() throws IOException {
        try (TensorBoardLogger logger = new TensorBoardLogger(root)) {
            for (int step = 0; step < 40_000; step++) {
                logger.logMetrics(Map.of("a_rather_long_metric_name/for_the_buffer", step * 0.5), step);
            }
            logger.save();
            List<byte[]> records = EventFileReader.records(onlyEventFile(logger.logDir()));
            assertThat(records).hasSize(40_001);
            Msg last = EventFileReader.parse(records.get(40_000));
            assertThat(last.varint(TfEvents.EVENT_STEP)).isEqualTo(39_999);
        }
    }
}
