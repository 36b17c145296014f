package dev.lightning4j.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {

    @TempDir
    Path dir;

    private static void write(java.nio.channels.FileChannel ch, String s) throws IOException {
        DurableFiles.writeFully(ch, ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
    }

    private String[] listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void replacesTheTarget() throws IOException {
        Path target = dir.resolve("a.txt");
        DurableFiles.writeAtomically(target, ch -> write(ch, "first"));
        DurableFiles.writeAtomically(target, ch -> write(ch, "second"));
        assertThat(Files.readString(target)).isEqualTo("second");
        assertThat(listing()).containsExactly("a.txt");
    }

    @Test
    void aWriterThatFailsMidwayLeavesThePreviousFileAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("a.txt");
        DurableFiles.writeAtomically(target, ch -> write(ch, "previous"));
        assertThatThrownBy(() -> DurableFiles.writeAtomically(target, ch -> {
            write(ch, "half of the new cont");
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThatThrownBy(() -> DurableFiles.writeAtomically(target, ch -> {
            write(ch, "half");
            throw new IllegalStateException("bug in the writer");
        })).hasMessage("bug in the writer");
        assertThat(Files.readString(target)).isEqualTo("previous");
        assertThat(listing()).containsExactly("a.txt");
    }

    @Test
    void aFailedFirstWriteCreatesNothing() {
        Path target = dir.resolve("new.txt");
        assertThatThrownBy(() -> DurableFiles.writeAtomically(target, ch -> {
            write(ch, "x");
            throw new IOException("boom");
        })).hasMessage("boom");
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void publishedFilesFollowTheUmaskNotTheTempFileMode() throws IOException {
        Path target = dir.resolve("perm.txt");
        Path plain = dir.resolve("plain.txt");
        Files.writeString(plain, "x");
        DurableFiles.writeAtomically(target, ch -> write(ch, "x"));
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(target)).isEqualTo(Files.getPosixFilePermissions(plain));
        }
    }

    @Test
    void deletesTreesAndRecognisesTemporaryNames() throws IOException {
        Path tmp = DurableFiles.createTempSiblingDirectory(dir.resolve("x.ckpt"));
        assertThat(DurableFiles.isTempSiblingName(tmp.getFileName().toString(), "x.ckpt")).isTrue();
        assertThat(DurableFiles.isTempSiblingName("x.ckpt", "x.ckpt")).isFalse();
        Files.createDirectories(tmp.resolve("a/b"));
        Files.writeString(tmp.resolve("a/b/c"), "c");
        DurableFiles.deleteRecursively(tmp);
        DurableFiles.deleteRecursively(tmp); // missing is fine
        assertThat(dir.toFile().list()).isEmpty();
    }
}
