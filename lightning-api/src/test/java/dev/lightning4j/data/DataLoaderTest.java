package dev.lightning4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lightning4j.tensor.HostArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    private static TensorDataset rows(int n) {
        float[] x = new float[n * 2];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = -i;
            y[i] = i;
        }
        return TensorDataset.of(HostArray.of(x, n, 2), HostArray.of(y, n));
    }

    private static List<long[]> epoch(DataLoader loader, int epoch) {
        List<long[]> out = new ArrayList<>();
        Iterator<HostBatch> it = loader.iterator(epoch, 99, 0);
        while (it.hasNext()) {
            out.add(it.next().fields().get("target").toLongArray());
        }
        return out;
    }

    @Test
    void batchesInOrderWithASmallerLastBatch() {
        DataLoader loader = DataLoader.builder(rows(10)).batchSize(4).build();
        assertThat(loader.numBatches()).isEqualTo(3);
        List<long[]> batches = epoch(loader, 0);
        assertThat(batches.get(0)).containsExactly(0, 1, 2, 3);
        assertThat(batches.get(2)).containsExactly(8, 9);
        HostBatch first = loader.iterator(0, 0, 0).next();
        assertThat(first.fields().get("input").toFloatArray()).containsExactly(0, 0, 1, -1, 2, -2, 3, -3);
    }

    @Test
    void batchesSelectTheirRowsWithoutCopyingAndDenseCopies() {
        TensorDataset data = rows(10);
        HostBatch last = DataLoader.builder(data).batchSize(4).build().iterator(0, 0, 2).next();
        HostArray input = last.fields().get("input");
        assertThat(input).isInstanceOf(HostArray.RowSelection.class);
        assertThat(((HostArray.RowSelection) input).source()).isSameAs(data.fields().get("input"));
        assertThat(((HostArray.RowSelection) input).rows()).containsExactly(8, 9);
        float[] x = ((HostArray.F32) input.dense()).data();
        assertThat(x).containsExactly(8, -8, 9, -9);
        x[0] = 42; // a consumer writing into its dense copy must not change the data set
        HostBatch again = DataLoader.builder(data).batchSize(4).build().iterator(0, 0, 2).next();
        assertThat(again.fields().get("input").toFloatArray()).containsExactly(8, -8, 9, -9);
        assertThat(again.fields().get("target").toLongArray()).containsExactly(8, 9);
    }

    @Test
    void prefetchingYieldsTheSameBatchesInTheSameOrder() {
        DataLoader plain = DataLoader.builder(rows(50)).batchSize(8).shuffle(true).seed(3).build();
        DataLoader ahead = DataLoader.builder(rows(50)).batchSize(8).shuffle(true).seed(3).prefetch(2).build();
        for (int epoch = 0; epoch < 3; epoch++) {
            List<long[]> a = epoch(plain, epoch);
            List<long[]> b = epoch(ahead, epoch);
            assertThat(b).hasSameSizeAs(a);
            for (int i = 0; i < a.size(); i++) {
                assertThat(b.get(i)).containsExactly(a.get(i));
            }
        }
        try (BatchIterator it = ahead.iterator(1, 99, 5)) {
            assertThat(it.next().fields().get("input").toFloatArray())
                    .containsExactly(plain.iterator(1, 99, 5).next().fields().get("input").toFloatArray());
        }
    }

    @Test
    void aFailureWhileGatheringAheadReachesTheConsumerAtThatBatch() {
        TensorDataset rows = rows(12);
        Dataset failing = new Dataset() {
            @Override
            public int size() {
                return rows.size();
            }

            @Override
            public HostBatch batch(int[] indices) {
                if (indices[0] >= 8) {
                    throw new IllegalStateException("row " + indices[0] + " is unreadable");
                }
                return rows.batch(indices);
            }
        };
        try (BatchIterator it = DataLoader.builder(failing).batchSize(4).prefetch(1).build().iterator(0, 0, 0)) {
            assertThat(it.next().size()).isEqualTo(4);
            assertThat(it.next().size()).isEqualTo(4);
            assertThatThrownBy(it::hasNext).isInstanceOf(IllegalStateException.class).hasMessage("row 8 is unreadable");
        }
    }

    @Test
    void closingStopsTheGatheringThread() throws InterruptedException {
        PrefetchingIterator it = (PrefetchingIterator) DataLoader.builder(rows(1000)).batchSize(2).prefetch(1).build()
                .iterator(0, 0, 0);
        it.next();
        it.close();
        it.worker().join(5000);
        assertThat(it.worker().isAlive()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> DataLoader.builder(rows(4)).prefetch(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefetch");
    }

    @Test
    void dropLastDropsTheIncompleteBatch() {
        DataLoader loader = DataLoader.builder(rows(10)).batchSize(4).dropLast(true).build();
        assertThat(loader.numBatches()).isEqualTo(2);
        assertThat(epoch(loader, 0)).hasSize(2);
    }

    @Test
    void shufflingIsSeededPerEpochAndVisitsEveryExampleOnce() {
        DataLoader loader = DataLoader.builder(rows(50)).batchSize(8).shuffle(true).seed(3).build();
        long[] e0 = epoch(loader, 0).stream().flatMapToLong(Arrays::stream).toArray();
        long[] e0again = epoch(loader, 0).stream().flatMapToLong(Arrays::stream).toArray();
        long[] e1 = epoch(loader, 1).stream().flatMapToLong(Arrays::stream).toArray();
        assertThat(e0).isEqualTo(e0again);
        assertThat(e0).isNotEqualTo(e1);
        assertThat(Arrays.stream(e0).sorted().toArray()).isEqualTo(java.util.stream.LongStream.range(0, 50).toArray());
    }

    @Test
    void resumingMidEpochYieldsTheRemainingBatches() {
        DataLoader loader = DataLoader.builder(rows(20)).batchSize(4).shuffle(true).build();
        List<long[]> all = epoch(loader, 2);
        Iterator<HostBatch> rest = loader.iterator(2, 99, 3);
        assertThat(rest.next().fields().get("target").toLongArray()).isEqualTo(all.get(3));
    }

    @Test
    void mismatchedFieldsAreNamed() {
        assertThatThrownBy(() -> TensorDataset.of(HostArray.of(new float[6], 3, 2), HostArray.of(new float[2], 2)))
                .hasMessageContaining("field 'target' has 2 rows; expected 3");
        assertThatThrownBy(() -> DataLoader.builder(rows(3)).batchSize(0))
                .hasMessageContaining("batchSize must be positive");
    }
}
