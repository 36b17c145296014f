package dev.lightning4j.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Killing one rank mid-run fails the whole job within the collective timeout, with an error that
 * names the lost rank; starting the job again from its last checkpoint completes it, with the
 * ranks' weights identical again after every resumed step.
 */
class DdpFailureTest {
    static final int TIMEOUT_S = 15;

    @ParameterizedTest
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void aKilledRankFailsTheJobPromptlyAndTheJobResumesFromItsLastCheckpoint(String backend, @TempDir Path dir)
            throws Exception {
        Path first = dir.resolve("first");
        Path resumed = dir.resolve("resumed");
        Files.createDirectories(first);
        Files.createDirectories(resumed);
        String[] args = {"backend=" + backend, "devices=2", "batch=8", "steps=24", "seed=42", "ckpt=on",
                "timeout=" + TIMEOUT_S, "delayMs=250", "out=" + first};
        try (Workers w = new Workers()) {
            List<String> addresses = Workers.loopbackWorkers(2);
            Process r0 = w.startRank(0, addresses, first, DdpTrainingTest.WORKER, args);
            Process r1 = w.startRank(1, addresses, first, DdpTrainingTest.WORKER, args);
            Path progress = first.resolve("rank1.txt");
            long deadline = System.nanoTime() + 180_000_000_000L;
            while (System.nanoTime() < deadline && (!Files.exists(progress) || Files.readAllLines(progress).size() < 6)) {
                assertThat(r0.isAlive()).as(DdpTrainingTest.log(first, "stdout0.log")).isTrue();
                Thread.sleep(100);
            }
            assertThat(Files.readAllLines(progress).size()).as("rank 1 made progress").isGreaterThanOrEqualTo(6);
            long killedAt = System.nanoTime();
            r1.destroyForcibly();
            int code = Workers.await(r0, TIMEOUT_S + 60);
            double seconds = (System.nanoTime() - killedAt) / 1e9;
            assertThat(code).as(DdpTrainingTest.log(first, "stdout0.log")).isEqualTo(2);
            String failure = Files.readString(first.resolve("failure0.txt"));
            assertThat(failure).contains("DistributedFailureException").contains("rank 1 (127.0.0.1:");
            assertThat(seconds).as("rank 0 failed %.1f s after rank 1 was killed: %s", seconds, failure)
                    .isLessThan(TIMEOUT_S + 10);
            System.out.printf("%s: rank 0 failed %.1f s after rank 1 was killed: %s%n", backend, seconds,
                    failure.lines().findFirst().orElse(""));
        }
        Path last = first.resolve("ckpt").resolve("last.ckpt");
        assertThat(last).exists();
        String[] again = {"backend=" + backend, "devices=2", "batch=8", "steps=24", "seed=42", "ckpt=on",
                "timeout=" + TIMEOUT_S, "out=" + resumed, "resume=" + last};
        try (Workers w = new Workers()) {
            List<String> addresses = Workers.loopbackWorkers(2);
            Process r0 = w.startRank(0, addresses, resumed, DdpTrainingTest.WORKER, again);
            Process r1 = w.startRank(1, addresses, resumed, DdpTrainingTest.WORKER, again);
            assertThat(Workers.await(r0, 240)).as(DdpTrainingTest.log(resumed, "stdout0.log")).isZero();
            assertThat(Workers.await(r1, 60)).as(DdpTrainingTest.log(resumed, "stdout1.log")).isZero();
        }
        List<String[]> a = DdpTrainingTest.lines(resumed.resolve("rank0.txt"));
        List<String[]> b = DdpTrainingTest.lines(resumed.resolve("rank1.txt"));
        assertThat(a).isNotEmpty().hasSameSizeAs(b);
        assertThat(a.get(a.size() - 1)[0]).isEqualTo("24");
        assertThat(Integer.parseInt(a.get(0)[0])).as("resumed after the last checkpoint, not from the start").isGreaterThan(2);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i)[3]).as("weights after resumed step %s", a.get(i)[0]).isEqualTo(a.get(i)[3]);
        }
    }

    /** A frozen rank (SIGSTOP) hangs its peers' collectives until the timeout, which fails the job naming it. */
    @ParameterizedTest
    @ValueSource(strings = {"pytorch", "tensorflow"})
    void aFrozenRankFailsTheJobAfterTheTimeout(String backend, @TempDir Path dir) throws Exception {
        int timeout = 8;
        String[] args = {"backend=" + backend, "devices=2", "batch=8", "steps=200", "seed=42",
                "timeout=" + timeout, "delayMs=100", "out=" + dir};
        try (Workers w = new Workers()) {
            List<String> addresses = Workers.loopbackWorkers(2);
            Process r0 = w.startRank(0, addresses, dir, DdpTrainingTest.WORKER, args);
            Process r1 = w.startRank(1, addresses, dir, DdpTrainingTest.WORKER, args);
            Path progress = dir.resolve("rank1.txt");
            long deadline = System.nanoTime() + 180_000_000_000L;
            while (System.nanoTime() < deadline && (!Files.exists(progress) || Files.readAllLines(progress).size() < 4)) {
                assertThat(r0.isAlive()).as(DdpTrainingTest.log(dir, "stdout0.log")).isTrue();
                Thread.sleep(100);
            }
            long frozenAt = System.nanoTime();
            assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(r1.pid())).start().waitFor()).isZero();
            int code = Workers.await(r0, timeout + 60);
            double seconds = (System.nanoTime() - frozenAt) / 1e9;
            assertThat(code).as(DdpTrainingTest.log(dir, "stdout0.log")).isEqualTo(2);
            String failure = Files.readString(dir.resolve("failure0.txt"));
            assertThat(failure).contains("DistributedFailureException").contains("rank 1 (127.0.0.1:");
            assertThat(seconds).isLessThan(timeout + 15);
            System.out.printf("%s: rank 0 failed %.1f s after rank 1 froze: %s%n", backend, seconds,
                    failure.lines().findFirst().orElse(""));
        }
    }
}
