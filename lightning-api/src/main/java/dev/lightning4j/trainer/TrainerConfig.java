package dev.lightning4j.trainer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The Trainer's options, resolved and validated. Build one with {@link Trainer#builder()}; names
 * and defaults are Lightning's.
 *
 * @param backend               the engine's name ({@code pytorch}, {@code tensorflow})
 * @param accelerator           {@code auto}, {@code cpu} or {@code cuda}
 * @param devices               how many devices to use
 * @param maxEpochs             stop after this many epochs (-1: 1000 unless maxSteps is set)
 * @param minEpochs             run at least this many epochs even when asked to stop
 * @param maxSteps              stop after this many optimizer steps (-1: no limit)
 * @param maxTime               stop once this much time has passed (null: no limit)
 * @param limitTrainBatches     training batches per epoch
 * @param limitValBatches       validation batches per run
 * @param limitTestBatches      test batches per run
 * @param limitPredictBatches   prediction batches per run
 * @param valCheckInterval      validate after this fraction of an epoch, or every this many batches
 * @param checkValEveryNEpoch   validate in every n-th training epoch
 * @param numSanityValSteps     validation batches run before training starts (-1: all)
 * @param fastDevRun            when &gt; 0, run this many batches of each stage once, with no logging or checkpoints
 * @param overfitBatches        when not zero, train and validate on these first training batches, unshuffled
 * @param accumulateGradBatches add the gradients of this many batches before each optimizer step
 * @param gradientClipVal       clip gradients at this value (0: off)
 * @param gradientClipAlgorithm {@code NORM} (total L2 norm) or {@code VALUE}
 * @param detectAnomaly         also check every step's gradients for NaN or infinity
 * @param deterministic         ask the engine for deterministic kernels (the backend must implement
 *                              {@link dev.lightning4j.backend.DeterminismControl})
 * @param compile               {@code none}, or a JIT mode such as {@code xla} that every step is compiled
 *                              with (the backend must implement {@link dev.lightning4j.backend.JitCompilation}
 *                              and offer the mode)
 * @param seed                  the data-order and dropout seed (null: drawn from the default generator)
 * @param defaultRootDir        where logs and checkpoints go by default
 * @param enableLogger          create the default CSV logger when none is given
 * @param enableCheckpointing   add a ModelCheckpoint callback when none is given
 * @param enableProgressBar     show the progress bar (plain per-epoch lines when not on a terminal)
 * @param enableModelSummary    print the layers and parameter counts when fitting starts
 * @param logEveryNSteps        send step metrics to the loggers every n optimizer steps
 */
public record TrainerConfig(
        String backend,
        String accelerator,
        int devices,
        int maxEpochs,
        int minEpochs,
        long maxSteps,
        Duration maxTime,
        BatchLimit limitTrainBatches,
        BatchLimit limitValBatches,
        BatchLimit limitTestBatches,
        BatchLimit limitPredictBatches,
        BatchLimit valCheckInterval,
        int checkValEveryNEpoch,
        int numSanityValSteps,
        int fastDevRun,
        BatchLimit overfitBatches,
        int accumulateGradBatches,
        double gradientClipVal,
        ClipAlgorithm gradientClipAlgorithm,
        boolean detectAnomaly,
        boolean deterministic,
        String compile,
        Long seed,
        Path defaultRootDir,
        boolean enableLogger,
        boolean enableCheckpointing,
        boolean enableProgressBar,
        boolean enableModelSummary,
        int logEveryNSteps) {

    /** The value of {@link #compile} that compiles nothing beyond the engine's default. */
    public static final String COMPILE_NONE = "none";

    /** Every value {@link #compile} accepts; which engines offer each JIT mode is checked when the backend exists. */
    public static final java.util.List<String> COMPILE_MODES = java.util.List.of(COMPILE_NONE, "xla");

    /** How gradients are clipped. */
    public enum ClipAlgorithm { NORM, VALUE }

    /** Validates the combination. */
    public TrainerConfig {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(defaultRootDir, "defaultRootDir");
        Objects.requireNonNull(gradientClipAlgorithm, "gradientClipAlgorithm");
        Objects.requireNonNull(compile, "compile");
        require(COMPILE_MODES.contains(compile), "compile", compile, "one of " + String.join(", ", COMPILE_MODES));
        require(devices >= 1, "devices", devices, "a count >= 1");
        require(maxEpochs >= -1, "maxEpochs", maxEpochs, "-1 or a count >= 0");
        require(minEpochs >= 0, "minEpochs", minEpochs, ">= 0");
        require(maxSteps >= -1, "maxSteps", maxSteps, "-1 or a count >= 0");
        require(maxTime == null || !maxTime.isNegative(), "maxTime", maxTime, "a positive duration");
        require(checkValEveryNEpoch >= 1, "checkValEveryNEpoch", checkValEveryNEpoch, ">= 1");
        require(numSanityValSteps >= -1, "numSanityValSteps", numSanityValSteps, "-1 (all) or >= 0");
        require(fastDevRun >= 0, "fastDevRun", fastDevRun, ">= 0");
        require(accumulateGradBatches >= 1, "accumulateGradBatches", accumulateGradBatches, ">= 1");
        require(gradientClipVal >= 0 && !Double.isNaN(gradientClipVal), "gradientClipVal", gradientClipVal, ">= 0");
        require(logEveryNSteps >= 1, "logEveryNSteps", logEveryNSteps, ">= 1");
        require(valCheckInterval.count() != 0 && (valCheckInterval.count() > 0 || valCheckInterval.fraction() > 0),
                "valCheckInterval", valCheckInterval, "a fraction in (0, 1] or a batch count >= 1");
    }

    private static void require(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("trainer." + key + " = " + value + " is invalid; expected " + expected);
        }
    }

    /** The epoch limit in force: maxEpochs, 1 under fastDevRun, or 1000 when neither epochs nor steps are limited. */
    public int effectiveMaxEpochs() {
        if (fastDevRun > 0) {
            return 1;
        }
        if (maxEpochs >= 0) {
            return maxEpochs;
        }
        return maxSteps >= 0 ? Integer.MAX_VALUE : 1000;
    }

    /** True when steps are compiled with a JIT mode ({@link #compile} is not {@value #COMPILE_NONE}). */
    public boolean compiled() {
        return !COMPILE_NONE.equals(compile);
    }

    /** True when training overfits a fixed set of batches. */
    public boolean overfitting() {
        return overfitBatches.count() > 0 || (overfitBatches.count() < 0 && overfitBatches.fraction() > 0);
    }
}
