package dev.lightning4j.core;

import dev.lightning4j.random.Generator;

/** Process-wide conveniences, as {@code lightning.seed_everything}. */
public final class Lightning {
    private Lightning() {
    }

    /**
     * Seeds the default generator that layers draw initial weights from (and that supplies the
     * Trainer's data-order seed when none is set). Call it before building the model.
     *
     * @return the seed
     */
    public static long seedEverything(long seed) {
        Generator.defaultGenerator().manualSeed(seed);
        return seed;
    }
}
