package dev.lightning4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.LoggerFactory;

/**
 * Writes whole files atomically: readers see either the previous content or the new content,
 * never a torn mix, even if the process dies mid-write. The bytes go to a hidden temporary file in
 * the target's directory, are forced to the device, and the temporary file is then renamed over
 * the target with {@link StandardCopyOption#ATOMIC_MOVE}. Temporary files are removed when a write
 * fails.
 *
 * <p>{@link #replace} skips the forcing, for files rewritten often during a run (a metrics log
 * flushed every 100 steps): still atomic if the process dies, but not forced to the device, which
 * costs a few milliseconds per write on slow disks; the file's final write should be a {@link #write}.
 */
public final class AtomicFiles {
    private static final String TEMP_SUFFIX = ".tmp";

    private AtomicFiles() {}

    /**
     * Replaces (or creates) {@code target} with {@code data}, creating missing parent directories.
     *
     * @throws IOException naming {@code target} when the file cannot be written
     */
    public static void write(Path target, byte[] data) throws IOException {
        write(target, data, true);
    }

    /**
     * Replaces (or creates) {@code target} with {@code data} atomically, like {@link #write}, but
     * without forcing the bytes or the rename to the device: a process crash leaves the old or the new
     * content; a power loss may lose this write.
     *
     * @throws IOException naming {@code target} when the file cannot be written
     */
    public static void replace(Path target, byte[] data) throws IOException {
        write(target, data, false);
    }

    /**
     * Forces a file written by {@link #replace} (its bytes, and its name in the directory) to the
     * device.
     *
     * @throws IOException naming {@code target} when it cannot be opened or forced
     */
    public static void force(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        try (FileChannel channel = FileChannel.open(absolute, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw new IOException("Cannot force " + target + " to the device: " + e, e);
        }
        syncDirectory(absolute.getParent());
    }

    private static void write(Path target, byte[] data, boolean force) throws IOException {
        if (target == null || data == null) {
            throw new NullPointerException("target and data must not be null");
        }
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path fileName = absolute.getFileName();
        if (dir == null || fileName == null) {
            throw new IOException("Cannot write " + target + ": not a file path");
        }
        TempFile temp = createTemp(dir, fileName.toString(), target);
        boolean moved = false;
        try {
            try (FileChannel channel = temp.channel()) {
                ByteBuffer buffer = ByteBuffer.wrap(data);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                if (force) {
                    channel.force(true);
                }
            }
            move(temp.path(), absolute);
            moved = true;
            if (force) {
                syncDirectory(dir);
            }
        } catch (IOException e) {
            throw new IOException("Cannot write " + target + ": " + e, e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(temp.path());
                } catch (IOException ignored) {
                    // The original failure is what matters; a stray hidden .tmp file is harmless.
                }
            }
        }
    }

    /**
     * Replaces (or creates) {@code target} with {@code text} encoded as UTF-8.
     *
     * @throws IOException naming {@code target} when the file cannot be written
     */
    public static void writeString(Path target, String text) throws IOException {
        if (text == null) {
            throw new NullPointerException("text must not be null");
        }
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A temporary file beside the target and the channel that writes it. */
    private record TempFile(Path path, FileChannel channel) {}

    /**
     * Creates a new, empty temporary file beside the target (default permissions, umask) and opens
     * it in the same call, creating the directory if it is missing. A file rewritten every hundred
     * steps pays for each file-system call in its training step, so the directory is not checked
     * first and the file is not created and then opened again.
     */
    private static TempFile createTemp(Path dir, String name, Path target) throws IOException {
        boolean dirCreated = false;
        for (int attempt = 0; ; attempt++) {
            String unique = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
            Path temp = dir.resolve("." + name + "." + unique + TEMP_SUFFIX);
            try {
                return new TempFile(temp, FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw new IOException("Cannot write " + target + ": no free temporary name in " + dir, e);
                }
            } catch (NoSuchFileException e) {
                if (dirCreated) {
                    throw noTemporaryFile(target, dir, e);
                }
                try {
                    Files.createDirectories(dir);
                } catch (IOException c) {
                    throw new IOException("Cannot write " + target + ": cannot create directory " + dir + ": " + c, c);
                }
                dirCreated = true;
            } catch (IOException e) {
                throw noTemporaryFile(target, dir, e);
            }
        }
    }

    private static IOException noTemporaryFile(Path target, Path dir, IOException cause) {
        return new IOException("Cannot write " + target + ": cannot create a temporary file in " + dir + ": " + cause,
                cause);
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // The temporary file is in the target's own directory, so this only happens on file
            // systems without an atomic rename; replacing is then the best available.
            LoggerFactory.getLogger(AtomicFiles.class)
                    .warn("The file system of {} does not support atomic moves; replacing it non-atomically", target);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes the rename durable where the platform allows syncing a directory (best effort). */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException ignored) {
            // Not supported on every platform (Windows cannot open directories); the data is synced.
        }
    }
}
