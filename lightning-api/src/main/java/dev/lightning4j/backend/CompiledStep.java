package dev.lightning4j.backend;

import dev.lightning4j.tensor.HostArray;
import java.util.Map;

/** A step function made ready to run on one engine: host batch in, host outputs out. */
public interface CompiledStep extends AutoCloseable {

    /**
     * Runs the step on one batch. The returned map has the step function's output names; all
     * tensors the step created are released before this returns. A tensor returned under several
     * names (a logged loss is usually the loss) leaves the engine once, and each name still gets
     * an array of its own.
     */
    Map<String, HostArray> run(Map<String, HostArray> inputs);

    /** Releases what compilation built (a graph's session state, for example). */
    @Override
    void close();
}
