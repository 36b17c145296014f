package dev.lightning4j.loggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lightning4j.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWritesTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void createsReplacesAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("sub").resolve("f.txt");
        AtomicFiles.writeString(target, "one");
        AtomicFiles.writeString(target, "two");
        AtomicFiles.write(target, new byte[] {65, 66});
        assertThat(Files.readString(target)).isEqualTo("AB");
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("f.txt");
        }
    }

    @Test
    void concurrentWritersEachLeaveAWholeFile() throws Exception {
        Path target = dir.resolve("shared.txt");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String content = String.valueOf((char) ('a' + t)).repeat(10_000);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        AtomicFiles.writeString(target, content);
                        String read = Files.readString(target);
                        assertThat(read).hasSize(10_000);
                        assertThat(read.chars().distinct().count()).isEqualTo(1);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(names()).containsExactly("shared.txt");
    }

    @Test
    void aFailedWriteNamesTheFileAndCleansUp() throws IOException {
        Path target = dir.resolve("a-directory");
        Files.createDirectories(target.resolve("child"));
        assertThatThrownBy(() -> AtomicFiles.writeString(target, "x"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(target.toString());
        assertThat(names()).containsExactly("a-directory");
    }

    @Test
    void aParentThatIsAFileIsNamedInTheError() throws IOException {
        Path file = dir.resolve("plain.txt");
        Files.writeString(file, "not a directory");
        Path target = file.resolve("sub").resolve("m.csv");
        assertThatThrownBy(() -> AtomicFiles.replace(target, new byte[] {1}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(target.toString())
                .hasMessageContaining("cannot create a temporary file in " + file.resolve("sub"))
                .hasMessageContaining("Not a directory");
        assertThat(Files.readString(file)).isEqualTo("not a directory");
    }

    @Test
    void replaceWithoutForcingIsStillWholeAndForceNamesAMissingFile() throws IOException {
        Path target = dir.resolve("m.csv");
        AtomicFiles.replace(target, new byte[] {49});
        AtomicFiles.replace(target, new byte[] {50, 51});
        AtomicFiles.force(target);
        assertThat(Files.readString(target)).isEqualTo("23");
        assertThat(names()).containsExactly("m.csv");
        Path missing = dir.resolve("missing.csv");
        assertThatThrownBy(() -> AtomicFiles.force(missing))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(missing.toString());
    }
}
