package dev.lightning4j.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.TensorDataset;
import dev.lightning4j.tensor.HostArray;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Cluster environments read from the environment, and DistributedSampler-style sharding. */
class DistributedBasicsTest {

    @Test
    void lightningVariablesDescribeTheJob() {
        ClusterEnvironment env = ClusterEnvironment.detect(Map.of("LIGHTNING_RANK", "1", "LIGHTNING_WORLD_SIZE", "2",
                "LIGHTNING_WORKERS", "10.0.0.1:2222, 10.0.0.2:2222")).orElseThrow();
        assertThat(env.rank()).isEqualTo(1);
        assertThat(env.self()).isEqualTo("10.0.0.2:2222");
        assertThat(ClusterEnvironment.detect(Map.of())).isEmpty();
        assertThatThrownBy(() -> ClusterEnvironment.detect(Map.of("LIGHTNING_RANK", "0", "LIGHTNING_WORLD_SIZE", "2")))
                .hasMessageContaining("LIGHTNING_WORKERS");
        assertThatThrownBy(() -> ClusterEnvironment.detect(Map.of("LIGHTNING_RANK", "0", "LIGHTNING_WORLD_SIZE", "3",
                "LIGHTNING_WORKERS", "a:1,b:2"))).hasMessageContaining("world size 3");
    }

    @Test
    void slurmNodeListsExpandInBlockOrder() {
        assertThat(ClusterEnvironment.expandHostList("node[01-03,07],gpu5")).containsExactly("node01", "node02", "node03",
                "node07", "gpu5");
        ClusterEnvironment env = ClusterEnvironment.detect(Map.of("SLURM_PROCID", "3", "SLURM_NTASKS", "4",
                "SLURM_STEP_NODELIST", "n[1-2]", "SLURM_NTASKS_PER_NODE", "2", "LIGHTNING_PORT", "4000")).orElseThrow();
        assertThat(env.workers()).containsExactly("n1:4000", "n1:4001", "n2:4000", "n2:4001");
        assertThat(env.self()).isEqualTo("n2:4001");
    }

    @Test
    void shardsAreDisjointPaddedAndCoverEveryExample() {
        DataLoader loader = DataLoader.builder(TensorDataset.of(HostArray.of(new float[10], 10, 1)))
                .batchSize(2).shuffle(true).seed(3).build();
        int[] full = loader.order(4, 0);
        int[] r0 = loader.shard(0, 3).order(4, 0);
        int[] r1 = loader.shard(1, 3).order(4, 0);
        int[] r2 = loader.shard(2, 3).order(4, 0);
        // ceil(10 / 3) = 4 each: 12 positions, the last 2 padded with the epoch's first examples.
        assertThat(r0).hasSize(4).containsExactly(full[0], full[3], full[6], full[9]);
        assertThat(r1).containsExactly(full[1], full[4], full[7], full[0]);
        assertThat(r2).containsExactly(full[2], full[5], full[8], full[1]);
        TreeSet<Integer> union = new TreeSet<>();
        for (int[] s : List.of(r0, r1, r2)) {
            Arrays.stream(s).forEach(union::add);
        }
        assertThat(union).containsExactlyElementsOf(IntStream.range(0, 10).boxed().toList());
        assertThat(loader.shard(1, 3).numBatches()).isEqualTo(2);
        assertThat(loader.shard(0, 1)).isSameAs(loader);
        assertThatThrownBy(() -> loader.shard(3, 3)).hasMessageContaining("rank 3");
    }
}
