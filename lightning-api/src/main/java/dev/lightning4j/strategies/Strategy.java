package dev.lightning4j.strategies;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.nn.Module;
import dev.lightning4j.tensor.Device;

/**
 * How a model is laid out over devices and processes, as Lightning's {@code Strategy}. The
 * single-device strategy places the model on one device; distributed strategies also synchronise
 * gradients and metrics across processes.
 *
 * <p>The distributed hooks have single-process defaults (identity, no-op), so a strategy that runs
 * in one process implements only the first four methods.
 */
public interface Strategy {

    /** The strategy's name, as in configuration ({@code single_device}). */
    String name();

    /** The device this process computes on. */
    Device rootDevice();

    /** Places the model's parameters and buffers on the engine. */
    void setup(Module model, Backend backend);

    /** True for the process that writes logs and checkpoints. */
    boolean isGlobalZero();

    // ------------------------------------------------------------------ distributed hooks

    /** This process's rank in the job (0 in a single process). */
    default int globalRank() {
        return 0;
    }

    /** The number of processes in the job. */
    default int worldSize() {
        return 1;
    }

    /** The loader this process iterates: its shard of {@code loader} under data parallelism. */
    default DataLoader distributeLoader(DataLoader loader) {
        return loader;
    }

    /** Averages gradients across processes inside the training step, or null when there is nothing to average. */
    default GradientSynchronizer gradientSynchronizer() {
        return null;
    }

    /** The element-wise mean of {@code values} over all processes (for {@code log(..., syncDist(true))}). */
    default double[] reduceMean(double[] values) {
        return values;
    }

    /** Rank 0's {@code seed}, so that every process shuffles the same way. */
    default long agreeOnSeed(long seed) {
        return seed;
    }

    /** Waits until every process reaches the barrier named {@code name}. */
    default void barrier(String name) {
    }

    /** Explains a failure that may come from a lost peer (naming its rank), or returns it unchanged. */
    default RuntimeException describeFailure(RuntimeException failure) {
        return failure;
    }

    /** Called when the Trainer closes: releases what the strategy started (for example, worker processes). */
    default void teardown() {
    }
}
