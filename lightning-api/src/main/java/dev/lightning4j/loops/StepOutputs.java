package dev.lightning4j.loops;

/** Names of the outputs that step functions return. */
final class StepOutputs {
    /** The training loss. */
    static final String LOSS = "loss";
    /** The prediction of a predict step. */
    static final String PREDICTION = "prediction";
    /** The prefix of logged metrics. */
    static final String LOG_PREFIX = "log/";

    private StepOutputs() {
    }
}
