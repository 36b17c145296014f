package dev.lightning4j.trainer;

import java.util.Objects;

/**
 * The Trainer's options, resolved. Build one with {@link Trainer#builder()}.
 *
 * @param backend             the engine's name ({@code pytorch}, {@code tensorflow})
 * @param accelerator         {@code auto}, {@code cpu} or {@code cuda}
 * @param devices             how many devices to use
 * @param maxEpochs           stop after this many epochs (-1: 1000 unless maxSteps is set)
 * @param minEpochs           run at least this many epochs
 * @param maxSteps            stop after this many optimizer steps (-1: no limit)
 * @param limitTrainBatches   training batches per epoch
 * @param limitValBatches     validation batches per run
 * @param limitTestBatches    test batches per run
 * @param limitPredictBatches prediction batches per run
 * @param checkValEveryNEpoch validate every n-th training epoch
 * @param numSanityValSteps   validation batches run before training starts
 * @param seed                the data-order and dropout seed; null draws one from the default generator
 * @param enableSummary       print a per-epoch summary of the metrics on the console
 */
public record TrainerConfig(
        String backend,
        String accelerator,
        int devices,
        int maxEpochs,
        int minEpochs,
        long maxSteps,
        BatchLimit limitTrainBatches,
        BatchLimit limitValBatches,
        BatchLimit limitTestBatches,
        BatchLimit limitPredictBatches,
        int checkValEveryNEpoch,
        int numSanityValSteps,
        Long seed,
        boolean enableSummary) {

    /** Validates the combination. */
    public TrainerConfig {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(accelerator, "accelerator");
        require(devices >= 1, "devices", devices, "a count >= 1");
        require(maxEpochs >= -1, "maxEpochs", maxEpochs, "-1 or a count >= 0");
        require(minEpochs >= 0, "minEpochs", minEpochs, ">= 0");
        require(maxSteps >= -1, "maxSteps", maxSteps, "-1 or a count >= 0");
        require(checkValEveryNEpoch >= 1, "checkValEveryNEpoch", checkValEveryNEpoch, ">= 1");
        require(numSanityValSteps >= -1, "numSanityValSteps", numSanityValSteps, "-1 (all) or >= 0");
    }

    private static void require(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("trainer." + key + " = " + value + " is invalid; expected " + expected);
        }
    }

    /** The epoch limit in force: maxEpochs, or 1000 when neither epochs nor steps are limited. */
    public int effectiveMaxEpochs() {
        if (maxEpochs >= 0) {
            return maxEpochs;
        }
        return maxSteps >= 0 ? Integer.MAX_VALUE : 1000;
    }
}
