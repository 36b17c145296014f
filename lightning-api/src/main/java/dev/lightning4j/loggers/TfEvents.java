package dev.lightning4j.loggers;

import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * Serialized {@code tensorflow.Event} messages for TensorBoard, encoded by hand. Field numbers
 * from {@code tensorflow/core/util/event.proto}, {@code tensorflow/core/framework/summary.proto}
 * and {@code tensor.proto}, TensorBoard's {@code plugins/hparams/plugin_data.proto} and
 * {@code api.proto}, and {@code google/protobuf/struct.proto}.
 */
final class TfEvents {
    /** The {@code file_version} of the first event of every file. */
    static final String FILE_VERSION = "brain.Event:2";
    /** The HParams plugin's name in {@code SummaryMetadata.PluginData.plugin_name}. */
    static final String HPARAMS_PLUGIN = "hparams";
    /** Tag of the experiment summary. */
    static final String EXPERIMENT_TAG = "_hparams_/experiment";
    /** Tag of the session-start summary. */
    static final String SESSION_START_INFO_TAG = "_hparams_/session_start_info";
    /** Tag of the session-end summary. */
    static final String SESSION_END_INFO_TAG = "_hparams_/session_end_info";

    // tensorflow.Event
    static final int EVENT_WALL_TIME = 1;
    static final int EVENT_STEP = 2;
    static final int EVENT_FILE_VERSION = 3;
    static final int EVENT_SUMMARY = 5;
    // tensorflow.Summary and Summary.Value
    static final int SUMMARY_VALUE = 1;
    static final int VALUE_TAG = 1;
    static final int VALUE_SIMPLE_VALUE = 2;
    static final int VALUE_TENSOR = 8;
    static final int VALUE_METADATA = 9;
    // tensorflow.SummaryMetadata and SummaryMetadata.PluginData
    static final int METADATA_PLUGIN_DATA = 1;
    static final int PLUGIN_DATA_PLUGIN_NAME = 1;
    static final int PLUGIN_DATA_CONTENT = 2;
    // tensorflow.TensorProto, TensorShapeProto
    static final int TENSOR_DTYPE = 1;
    static final int TENSOR_SHAPE = 2;
    static final int SHAPE_DIM = 2;
    static final int DT_FLOAT = 1;
    // tensorboard.hparams.HParamsPluginData
    static final int PLUGIN_DATA_VERSION = 1;
    static final int PLUGIN_DATA_EXPERIMENT = 2;
    static final int PLUGIN_DATA_SESSION_START_INFO = 3;
    static final int PLUGIN_DATA_SESSION_END_INFO = 4;
    // tensorboard.hparams.Experiment, HParamInfo, MetricInfo, MetricName
    static final int EXPERIMENT_HPARAM_INFOS = 4;
    static final int EXPERIMENT_METRIC_INFOS = 5;
    static final int HPARAM_INFO_NAME = 1;
    static final int HPARAM_INFO_TYPE = 4;
    static final int METRIC_INFO_NAME = 1;
    static final int METRIC_NAME_TAG = 2;
    // tensorboard.hparams.DataType
    static final int DATA_TYPE_STRING = 1;
    static final int DATA_TYPE_BOOL = 2;
    static final int DATA_TYPE_FLOAT64 = 3;
    // tensorboard.hparams.SessionStartInfo, SessionEndInfo, Status
    static final int SESSION_START_HPARAMS = 1;
    static final int SESSION_START_START_TIME_SECS = 5;
    static final int SESSION_END_STATUS = 1;
    static final int SESSION_END_END_TIME_SECS = 2;
    static final int STATUS_SUCCESS = 1;
    // map entries
    static final int MAP_KEY = 1;
    static final int MAP_VALUE = 2;
    // google.protobuf.Value
    static final int STRUCT_NUMBER_VALUE = 2;
    static final int STRUCT_STRING_VALUE = 3;
    static final int STRUCT_BOOL_VALUE = 4;

    private TfEvents() {}

    /** The first event of a file: {@code Event{wall_time, file_version: "brain.Event:2"}}. */
    static byte[] fileVersion(double wallTime) {
        return new ProtoWriter().doubleField(EVENT_WALL_TIME, wallTime).string(EVENT_FILE_VERSION, FILE_VERSION)
                .toByteArray();
    }

    /** {@code Event{wall_time, step, summary{value{tag, simple_value}}}}. */
    static byte[] scalar(double wallTime, long step, String tag, float value) {
        ProtoWriter v = new ProtoWriter().string(VALUE_TAG, tag).floatField(VALUE_SIMPLE_VALUE, value);
        return event(wallTime, step, v);
    }

    /**
     * The experiment summary: one {@code HParamInfo} per hyper-parameter (name and type) and one
     * {@code MetricInfo} per metric tag. {@code hparams} holds only booleans, numbers and strings.
     */
    static byte[] experiment(double wallTime, Map<String, Object> hparams, Collection<String> metricTags) {
        ProtoWriter experiment = new ProtoWriter();
        for (Map.Entry<String, Object> e : hparams.entrySet()) {
            ProtoWriter info = new ProtoWriter().string(HPARAM_INFO_NAME, e.getKey())
                    .varint(HPARAM_INFO_TYPE, dataType(e.getKey(), e.getValue()));
            experiment.message(EXPERIMENT_HPARAM_INFOS, info);
        }
        for (String tag : metricTags) {
            ProtoWriter name = new ProtoWriter().string(METRIC_NAME_TAG, tag);
            experiment.message(EXPERIMENT_METRIC_INFOS, new ProtoWriter().message(METRIC_INFO_NAME, name));
        }
        ProtoWriter data = new ProtoWriter().message(PLUGIN_DATA_EXPERIMENT, experiment);
        return hparamsEvent(wallTime, EXPERIMENT_TAG, data);
    }

    /** The session-start summary: the hyper-parameter values as {@code google.protobuf.Value}s. */
    static byte[] sessionStartInfo(double wallTime, Map<String, Object> hparams) {
        ProtoWriter info = new ProtoWriter();
        for (Map.Entry<String, Object> e : hparams.entrySet()) {
            ProtoWriter entry = new ProtoWriter().string(MAP_KEY, e.getKey())
                    .message(MAP_VALUE, structValue(e.getKey(), e.getValue()));
            info.message(SESSION_START_HPARAMS, entry);
        }
        info.doubleField(SESSION_START_START_TIME_SECS, wallTime);
        ProtoWriter data = new ProtoWriter().message(PLUGIN_DATA_SESSION_START_INFO, info);
        return hparamsEvent(wallTime, SESSION_START_INFO_TAG, data);
    }

    /** The session-end summary with status {@code STATUS_SUCCESS}, as Lightning writes it. */
    static byte[] sessionEndInfo(double wallTime) {
        ProtoWriter info = new ProtoWriter().varint(SESSION_END_STATUS, STATUS_SUCCESS)
                .doubleField(SESSION_END_END_TIME_SECS, wallTime);
        ProtoWriter data = new ProtoWriter().message(PLUGIN_DATA_SESSION_END_INFO, info);
        return hparamsEvent(wallTime, SESSION_END_INFO_TAG, data);
    }

    /**
     * {@code Event{wall_time, summary{value{tag, tensor: NULL_TENSOR, metadata{plugin_data{
     * plugin_name: "hparams", content: HParamsPluginData}}}}}}; the plugin data version is 0, the
     * default, so it is not written.
     */
    private static byte[] hparamsEvent(double wallTime, String tag, ProtoWriter pluginData) {
        ProtoWriter plugin = new ProtoWriter().string(PLUGIN_DATA_PLUGIN_NAME, HPARAMS_PLUGIN)
                .bytes(PLUGIN_DATA_CONTENT, pluginData.toByteArray());
        ProtoWriter metadata = new ProtoWriter().message(METADATA_PLUGIN_DATA, plugin);
        // TensorBoard's NULL_TENSOR: an empty float vector, shape [0].
        ProtoWriter nullTensor = new ProtoWriter().varint(TENSOR_DTYPE, DT_FLOAT)
                .message(TENSOR_SHAPE, new ProtoWriter().message(SHAPE_DIM, new ProtoWriter()));
        ProtoWriter value = new ProtoWriter().string(VALUE_TAG, tag).message(VALUE_TENSOR, nullTensor)
                .message(VALUE_METADATA, metadata);
        return event(wallTime, 0, value);
    }

    private static byte[] event(double wallTime, long step, ProtoWriter value) {
        ProtoWriter summary = new ProtoWriter().message(SUMMARY_VALUE, value);
        ProtoWriter event = new ProtoWriter().doubleField(EVENT_WALL_TIME, wallTime);
        if (step != 0) {
            event.varint(EVENT_STEP, step);
        }
        return event.message(EVENT_SUMMARY, summary).toByteArray();
    }

    private static int dataType(String name, Object v) {
        if (v instanceof Boolean) {
            return DATA_TYPE_BOOL;
        }
        if (v instanceof Long || v instanceof Double || v instanceof BigInteger) {
            return DATA_TYPE_FLOAT64;
        }
        if (v instanceof String) {
            return DATA_TYPE_STRING;
        }
        throw new IllegalArgumentException("Hyper-parameter '" + name + "' is not a boolean, number or string: " + v);
    }

    private static ProtoWriter structValue(String name, Object v) {
        if (v instanceof Boolean) {
            return new ProtoWriter().bool(STRUCT_BOOL_VALUE, (Boolean) v);
        }
        if (v instanceof Number) {
            return new ProtoWriter().doubleField(STRUCT_NUMBER_VALUE, ((Number) v).doubleValue());
        }
        if (v instanceof String) {
            return new ProtoWriter().string(STRUCT_STRING_VALUE, (String) v);
        }
        throw new IllegalArgumentException("Hyper-parameter '" + name + "' is not a boolean, number or string: " + v);
    }
}
