package dev.lightning4j.loggers;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends TFRecord-framed {@code Event}s to one TensorBoard event file,
 * {@code events.out.tfevents.<unix-seconds>.<hostname>.<pid>.<counter>}, starting with the
 * {@code file_version} event. Records are buffered and written on {@link #flush()} (or when the
 * buffer grows large); TensorBoard tails the file, so it is appended to rather than replaced, and
 * a crash can at most truncate the last record, which TensorFlow's reader skips. Not thread-safe.
 */
final class EventFileWriter implements Closeable {
    /** The file name prefix TensorBoard looks for. */
    static final String PREFIX = "events.out.tfevents.";

    private static final AtomicLong COUNTER = new AtomicLong();
    private static final int AUTO_DRAIN_BYTES = 1 << 20;
    private static volatile String hostname;

    private final Path file;
    private final FileChannel channel;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private boolean closed;

    private EventFileWriter(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Creates a new event file in {@code dir} (and {@code dir} itself when missing) and buffers its
     * {@code file_version} event.
     *
     * @throws UncheckedIOException naming the file or directory that could not be created
     */
    static EventFileWriter create(Path dir, double wallTime) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the log directory " + dir + ": " + e, e);
        }
        String stem = String.format("%s%010d.%s.%d.", PREFIX, (long) wallTime, hostname(),
                ProcessHandle.current().pid());
        for (int attempt = 0; ; attempt++) {
            Path file = dir.resolve(stem + COUNTER.getAndIncrement());
            try {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
                EventFileWriter writer = new EventFileWriter(file, channel);
                writer.write(TfEvents.fileVersion(wallTime));
                return writer;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 1000) {
                    throw new UncheckedIOException("Cannot create an event file " + file + ": " + e, e);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the event file " + file + ": " + e, e);
            }
        }
    }

    /** The event file. */
    Path file() {
        return file;
    }

    /** Buffers one serialized {@code Event} as a TFRecord. */
    void write(byte[] event) {
        checkOpen();
        byte[] record = TfRecord.frame(event);
        buffer.write(record, 0, record.length);
        if (buffer.size() >= AUTO_DRAIN_BYTES) {
            drain();
        }
    }

    /** Writes the buffered records and forces them to the device. */
    void flush() {
        checkOpen();
        drain();
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot sync the event file " + file + ": " + e, e);
        }
    }

    /** Flushes and closes the file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            flush();
        } finally {
            closed = true;
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot close the event file " + file + ": " + e, e);
            }
        }
    }

    private void drain() {
        if (buffer.size() == 0) {
            return;
        }
        ByteBuffer bytes = ByteBuffer.wrap(buffer.toByteArray());
        buffer.reset();
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the event file " + file + ": " + e, e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The event file " + file + " is closed");
        }
    }

    /** This machine's name, made safe for a file name. */
    static String hostname() {
        String name = hostname;
        if (name == null) {
            name = lookUpHostname();
            hostname = name;
        }
        return name;
    }

    private static String lookUpHostname() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            // The message starts with the name that could not be resolved: "myhost: Name or service...".
            String message = String.valueOf(e.getMessage());
            int colon = message.indexOf(':');
            name = colon > 0 ? message.substring(0, colon) : "";
        } catch (RuntimeException e) {
            name = "";
        }
        String safe = name.trim().replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.isEmpty() ? "localhost" : safe;
    }
}
