package dev.lightning4j.data;

import java.util.Iterator;

/**
 * The batches of one epoch. Close it when done, also when stopping early: with
 * {@link DataLoader.Builder#prefetch} a thread is gathering the next batches.
 */
public interface BatchIterator extends Iterator<HostBatch>, AutoCloseable {

    /** Stops gathering batches ahead; the iterator is not used afterwards. */
    @Override
    void close();
}
