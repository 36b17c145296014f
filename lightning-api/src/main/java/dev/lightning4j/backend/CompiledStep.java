package dev.lightning4j.backend;

import dev.lightning4j.tensor.HostArray;
import java.util.Map;

/** A step function made ready to run on one engine: host batch in, host outputs out. */
public interface CompiledStep extends AutoCloseable {

    /**
     * Runs the step on one batch. The returned map has the step function's output names; all
     * tensors the step created are released before this returns.
     */
    Map<String, HostArray> run(Map<String, HostArray> inputs);

    /** Releases what compilation built (a graph's session state, for example). */
    @Override
    void close();
}
