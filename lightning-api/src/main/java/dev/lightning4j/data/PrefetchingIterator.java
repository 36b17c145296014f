package dev.lightning4j.data;

import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Gathers the batches of an epoch on a daemon thread, up to {@code depth} ahead of the consumer, so
 * that copying the next batch overlaps the engine's work on the current one (what PyTorch's
 * {@code DataLoader} workers and tf.data's {@code prefetch} do). The order is the source's, so
 * training sees the same batches as without prefetching; a failure while gathering is rethrown to
 * the consumer when it reaches that batch.
 */
final class PrefetchingIterator implements BatchIterator {
    private static final Object END = new Object();

    private record Failure(Throwable error) {
    }

    private final BlockingQueue<Object> queue;
    private final Thread worker;
    private Object head; // taken from the queue, not yet returned
    private volatile boolean closed;

    PrefetchingIterator(BatchIterator source, int depth) {
        queue = new ArrayBlockingQueue<>(depth);
        worker = new Thread(() -> {
            try (source) {
                while (!closed && source.hasNext()) {
                    queue.put(source.next());
                }
                queue.put(END);
            } catch (InterruptedException e) {
                // closed by the consumer
            } catch (Throwable e) {
                try {
                    queue.put(new Failure(e));
                } catch (InterruptedException closed) {
                    // closed by the consumer
                }
            }
        }, "lightning4j-prefetch");
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    public boolean hasNext() {
        return peek() != END;
    }

    @Override
    public HostBatch next() {
        Object o = peek();
        if (o == END) {
            throw new NoSuchElementException();
        }
        head = null;
        return (HostBatch) o;
    }

    private Object peek() {
        if (closed) {
            throw new IllegalStateException("this epoch's batch iterator was closed");
        }
        if (head == null) {
            try {
                head = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next batch", e);
            }
        }
        if (head instanceof Failure f) {
            Throwable e = f.error();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("gathering a batch failed: " + e, e);
        }
        return head;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            worker.interrupt();
            queue.clear();
        }
    }

    /** The gathering thread (for tests that check it ends). */
    Thread worker() {
        return worker;
    }
}
