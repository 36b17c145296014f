package dev.lightning4j.loops;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.loggers.Logger;
import dev.lightning4j.strategies.Strategy;
import dev.lightning4j.trainer.TrainerConfig;
import dev.lightning4j.trainer.TrainerState;
import java.util.List;

/**
 * What every loop needs from the Trainer.
 *
 * @param backend  the engine
 * @param strategy device placement
 * @param config   the options
 * @param state    position and metrics, shared with the Trainer
 * @param loggers  where metrics are recorded (empty under fastDevRun or when disabled)
 * @param hooks    the module's and callbacks' hooks
 * @param dataSeed the seed of data order for this run
 */
public record LoopContext(Backend backend, Strategy strategy, TrainerConfig config, TrainerState state,
                          List<Logger> loggers, Hooks hooks, long dataSeed) {

    /** Sends metrics to every logger (only from the global-zero process). */
    void logMetrics(java.util.Map<String, Double> metrics, long step) {
        if (!metrics.isEmpty() && strategy.isGlobalZero()) {
            loggers.forEach(l -> l.logMetrics(metrics, step));
        }
    }
}
