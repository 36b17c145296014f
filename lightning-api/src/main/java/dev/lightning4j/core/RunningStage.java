package dev.lightning4j.core;

/** What the Trainer is running at a given moment. */
public enum RunningStage {
    TRAINING, SANITY_CHECKING, VALIDATING, TESTING, PREDICTING;

    /** The lowercase name Lightning uses ({@code train}, {@code validate}, ...). */
    public String label() {
        return switch (this) {
            case TRAINING -> "train";
            case SANITY_CHECKING -> "sanity_check";
            case VALIDATING -> "validate";
            case TESTING -> "test";
            case PREDICTING -> "predict";
        };
    }
}
