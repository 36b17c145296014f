package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lightning4j.loggers.TensorBoardLogger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.data.Iterator;
import org.tensorflow.op.data.IteratorGetNext;
import org.tensorflow.op.data.MakeIterator;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * Reads the event file written by {@link TensorBoardLogger} with TensorFlow's own TFRecord reader
 * ({@code TFRecordDataset}, which checks both masked CRC-32Cs of every record) and parses each
 * record with TensorFlow's generated {@code Event} class: this proves the framing, the CRCs and
 * the hand-written protocol-buffer encoding against TensorFlow's implementation.
 */
class TensorBoardEventFileTest {
    @TempDir
    Path root;

    /** Every record of {@code file}, read by TensorFlow. */
    private static List<byte[]> readWithTensorFlow(Path file) {
        List<Class<? extends TType>> types = List.of(TString.class);
        List<Shape> shapes = List.of(Shape.scalar());
        List<byte[]> records = new ArrayList<>();
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            // TensorFlow's TFRecordDataset kernel, whose RecordReader checks both CRCs of every record.
            // (The generated TfRecordDataset wrapper is the V2 op, which TF 2.18 cannot re-serialize
            // for the iterator's graph rewrites; the V1 op runs the same reader.)
            Operation dataset = tf.scope().opBuilder("TFRecordDataset", "records")
                    .addInput(tf.constant(file.toString()).asOutput())
                    .addInput(tf.constant("").asOutput())
                    .addInput(tf.constant(0L).asOutput())
                    .build();
            Output<TType> handle = dataset.output(0);
            // A TF1-style iterator resource: created once per session, shared by init and get-next.
            Iterator iterator = tf.data.iterator("", "", types, shapes);
            MakeIterator init = tf.data.makeIterator(handle, iterator);
            IteratorGetNext next = tf.data.iteratorGetNext(iterator, types, shapes);
            session.runner().addTarget(init).run().close();
            while (true) {
                try (Result result = session.runner().fetch(next.components().get(0)).run()) {
                    records.add(((TString) result.get(0)).asBytes().getObject());
                } catch (TFOutOfRangeException end) {
                    return records;
                }
            }
        }
    }

    @Test
    void tensorFlowReadsTheEventFile() throws Exception {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("lr", 0.01);
        params.put("optimizer", "sgd");
        params.put("nesterov", false);
        params.put("model", Map.of("hidden", 64));
        Path file;
        try (TensorBoardLogger logger = TensorBoardLogger.builder().rootDir(root).name("tb").build()) {
            logger.logHyperparams(params);
            logger.logMetrics(Map.of("train_loss", 1.25), 1);
            Map<String, Double> two = new LinkedHashMap<>();
            two.put("train_loss", 0.75);
            two.put("val_acc", 0.0);
            logger.logMetrics(two, 2);
            logger.logMetrics(Map.of("train_loss", 0.5), 3_000_000_000L);
            logger.save();
            file = logger.eventFile().orElseThrow();
        }
        try (Stream<Path> files = Files.list(root.resolve("tb").resolve("version_0"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    file.getFileName().toString(), "hparams.yaml");
        }

        List<Event> events = new ArrayList<>();
        for (byte[] record : readWithTensorFlow(file)) {
            events.add(Event.parseFrom(record));
        }
        // file_version, hp_metric, experiment, session start, session end, 4 scalars
        assertThat(events).hasSize(9);

        Event first = events.get(0);
        assertThat(first.getWhatCase()).isEqualTo(Event.WhatCase.FILE_VERSION);
        assertThat(first.getFileVersion()).isEqualTo("brain.Event:2");
        assertThat(first.getWallTime()).isGreaterThan(1.6e9);

        List<String> scalars = new ArrayList<>();
        List<String> hparamTags = new ArrayList<>();
        for (Event e : events.subList(1, events.size())) {
            assertThat(e.getWhatCase()).isEqualTo(Event.WhatCase.SUMMARY);
            assertThat(e.getWallTime()).isGreaterThanOrEqualTo(first.getWallTime());
            for (Summary.Value v : e.getSummary().getValueList()) {
                if (v.getValueCase() == Summary.Value.ValueCase.SIMPLE_VALUE) {
                    scalars.add(v.getTag() + "@" + e.getStep() + "=" + v.getSimpleValue());
                } else {
                    assertThat(v.getMetadata().getPluginData().getPluginName()).isEqualTo("hparams");
                    assertThat(v.getValueCase()).isEqualTo(Summary.Value.ValueCase.TENSOR);
                    assertThat(v.getMetadata().getPluginData().getContent().isEmpty()).isFalse();
                    hparamTags.add(v.getTag());
                }
            }
        }
        assertThat(scalars).containsExactly("hp_metric@0=-1.0", "train_loss@1=1.25", "train_loss@2=0.75",
                "val_acc@2=0.0", "train_loss@3000000000=0.5");
        assertThat(hparamTags).containsExactly("_hparams_/experiment", "_hparams_/session_start_info",
                "_hparams_/session_end_info");
        // And no stray bytes: TensorFlow consumed the whole file as whole records.
        long recordBytes = 0;
        for (Event e : events) {
            recordBytes += e.getSerializedSize() + 16;
        }
        assertThat(recordBytes).isEqualTo(Files.size(file));
    }

    @Test
    void tensorFlowRejectsACorruptedRecordSoTheCheckAboveIsReal() throws Exception {
        Path file;
        try (TensorBoardLogger logger = TensorBoardLogger.builder().rootDir(root).build()) {
            logger.logMetrics(Map.of("loss", 1.0), 1);
            logger.save();
            file = logger.eventFile().orElseThrow();
        }
        assertThat(readWithTensorFlow(file)).hasSize(2);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 6] ^= 0x01; // a byte of the last record's data
        Files.write(file, bytes);
        assertThatThrownBy(() -> readWithTensorFlow(file))
                .isInstanceOf(TensorFlowException.class)
                .hasMessageContaining("corrupted record");
    }
}
