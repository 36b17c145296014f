package dev.lightning4j.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The durability primitives checkpoints need beyond {@link dev.lightning4j.io.AtomicFiles} (which
 * only replaces a file from a byte array): a streaming atomic file write, so that large tensors are
 * never copied into one giant array, and the pieces for publishing a whole directory atomically.
 * Temporary names follow {@code AtomicFiles}' convention, {@code .<target name>.<random>.tmp}.
 */
final class DurableFiles {

    private DurableFiles() {
    }

    /** Writes the content of a file to a channel; must not close it. */
    @FunctionalInterface
    interface ChannelWriter {
        void write(FileChannel channel) throws IOException;
    }

    /**
     * Replaces (or creates) {@code target} with what {@code writer} writes: temp sibling, fsync,
     * atomic rename, directory fsync. If anything fails the target is untouched, the temporary file
     * is removed and the exception propagates.
     */
    static void writeAtomically(Path target, ChannelWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path tmp = null;
        FileChannel opened = null;
        for (int attempt = 0; opened == null; attempt++) {
            tmp = tempSibling(absolute);
            try {
                // Not Files.createTempFile: its files are mode 0600, which the rename would carry
                // over to the published file instead of the usual umask-derived permissions.
                opened = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
        try {
            try (FileChannel ch = opened) {
                writer.write(ch);
                // Content must be on the disk before the rename publishes it under the target's name.
                ch.force(true);
            }
            moveAtomically(tmp, absolute);
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(tmp, e);
            throw e;
        }
        fsyncDirectory(dir);
    }

    /** Writes a new file (which must not exist) and fsyncs it; for files inside a temporary directory. */
    static void writeNew(Path file, ChannelWriter writer) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
            writer.write(ch);
            ch.force(true);
        }
    }

    /** Renames in one atomic step, replacing a target file or an empty target directory. */
    static void moveAtomically(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // No fallback to copy-and-delete: the guarantee that a crash leaves the old checkpoint
            // intact rests entirely on this rename, so the caller must learn that it is unavailable.
            throw new IOException("cannot atomically rename " + source + " to " + target
                    + ": the file system does not support atomic moves", e);
        }
    }

    /**
     * Flushes a directory's entries (creations, renames) to the disk where possible. POSIX needs it
     * for a rename to survive a power loss; Windows cannot open directories, so it is best effort.
     */
    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // Best effort by design: the rename already happened atomically; only its durability
            // across a power failure depends on this, and some platforms cannot provide it.
        }
    }

    /** Writes the whole buffer; a channel may write fewer bytes than asked. */
    static void writeFully(WritableByteChannel ch, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            ch.write(buffer);
        }
    }

    /** A fresh empty directory named {@code .<target name>.<random>.tmp} beside {@code target}. */
    static Path createTempSiblingDirectory(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        for (int attempt = 0; ; attempt++) {
            try {
                return Files.createDirectory(tempSibling(absolute));
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    /** True for a temporary sibling name of {@code targetName}, as made by this class. */
    static boolean isTempSiblingName(String name, String targetName) {
        return name.startsWith("." + targetName + ".") && name.endsWith(".tmp");
    }

    /** Deletes a file or directory tree, never following links; a missing path is fine. */
    static void deleteRecursively(Path path) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (attrs.isDirectory()) {
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(path)) {
                stream.forEach(children::add);
            }
            for (Path child : children) {
                deleteRecursively(child);
            }
        }
        Files.deleteIfExists(path);
    }

    /** Deletes, recording a failure on {@code cause} rather than hiding the original error. */
    static void deleteQuietly(Path path, Throwable cause) {
        try {
            deleteRecursively(path);
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static Path tempSibling(Path absoluteTarget) {
        return absoluteTarget.resolveSibling("." + absoluteTarget.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".tmp");
    }
}
