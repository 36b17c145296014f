package dev.lightning4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostArrayTest {

    @Test
    void copyHasEqualValuesInAnArrayOfItsOwn() {
        List<HostArray> all = List.of(HostArray.of(new float[] {1.5f, -2}, 2), HostArray.of(new double[] {3.25}, 1, 1),
                HostArray.of(new int[] {7, 8, 9}, 3), HostArray.of(new long[] {1L << 40}, 1),
                HostArray.of(new boolean[] {true, false}, 2));
        for (HostArray a : all) {
            HostArray c = a.copy();
            assertThat(c).as(a.toString()).isEqualTo(a).isNotSameAs(a);
            assertThat(c.dtype()).isEqualTo(a.dtype());
            assertThat(c.shape()).isEqualTo(a.shape());
        }
        HostArray.F32 f = (HostArray.F32) all.get(0);
        HostArray.F32 copied = (HostArray.F32) f.copy();
        copied.data()[0] = 0;
        assertThat(f.data()[0]).as("the original is untouched").isEqualTo(1.5f);
    }
}
