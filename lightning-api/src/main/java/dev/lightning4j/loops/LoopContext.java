package dev.lightning4j.loops;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.strategies.Strategy;
import dev.lightning4j.trainer.TrainerConfig;
import dev.lightning4j.trainer.TrainerState;
import java.io.PrintStream;

/**
 * What every loop needs from the Trainer.
 *
 * @param backend  the engine
 * @param strategy device placement
 * @param config   the options
 * @param state    position and metrics, shared with the Trainer
 * @param console  where the per-epoch summary goes
 * @param dataSeed the seed of data order for this run
 */
public record LoopContext(Backend backend, Strategy strategy, TrainerConfig config, TrainerState state,
                          PrintStream console, long dataSeed) {
}
