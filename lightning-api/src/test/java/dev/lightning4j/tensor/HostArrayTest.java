package dev.lightning4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
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

    @Test
    void rowSelectionSharesItsSourceAndCopiesRunsOfConsecutiveRows() {
        float[] values = {0, 1, 10, 11, 20, 21, 30, 31};
        HostArray source = HostArray.of(values, 4, 2);
        HostArray.RowSelection sel = HostArray.selectRows(source, new int[] {1, 2, 0, 3, 3});
        assertThat(sel.source()).isSameAs(source);
        assertThat(sel.shape()).isEqualTo(Shape.of(5, 2));
        assertThat(sel.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(sel.rowWidth()).isEqualTo(2);
        List<int[]> runs = new ArrayList<>();
        sel.forEachRun((from, to, n) -> runs.add(new int[] {from, to, n}));
        assertThat(runs).containsExactly(new int[] {2, 0, 4}, new int[] {0, 4, 2}, new int[] {6, 6, 2}, new int[] {6, 8, 2});
        HostArray dense = sel.dense();
        assertThat(dense).isInstanceOf(HostArray.F32.class);
        assertThat(dense.toFloatArray()).containsExactly(10, 11, 20, 21, 0, 1, 30, 31, 30, 31);
        assertThat(sel.toDoubleArray()).containsExactly(10, 11, 20, 21, 0, 1, 30, 31, 30, 31);
        assertThat(sel.copy()).isEqualTo(dense).isNotInstanceOf(HostArray.RowSelection.class);
        assertThat(sel).isEqualTo(dense).hasSameHashCodeAs(dense);
        assertThat(dense).isEqualTo(sel);
        assertThat(sel).isNotEqualTo(HostArray.selectRows(source, new int[] {1, 2, 0, 3, 2}));
        ((HostArray.F32) dense).data()[0] = -1;
        assertThat(values[2]).as("a dense copy does not write through").isEqualTo(10);
    }

    @Test
    void rowSelectionsOfEveryDTypeAndOfASelection() {
        HostArray[] sources = {HostArray.of(new double[] {1, 2, 3}, 3), HostArray.of(new int[] {1, 2, 3}, 3, 1),
            HostArray.of(new long[] {1, 2, 3}, 3), HostArray.of(new boolean[] {true, false, true}, 3)};
        for (HostArray source : sources) {
            HostArray.RowSelection sel = HostArray.selectRows(HostArray.selectRows(source, new int[] {2, 1, 0}), new int[] {0, 0});
            assertThat(sel.source()).as("a selection of a selection selects from the source underneath").isSameAs(source);
            assertThat(sel.rows()).containsExactly(2, 2);
            assertThat(sel.dense().dtype()).isEqualTo(source.dtype());
            assertThat(sel.dense().toDoubleArray()).as(source.toString()).containsExactly(source.toDoubleArray()[2],
                    source.toDoubleArray()[2]);
        }
        assertThat(HostArray.selectRows(HostArray.of(new float[] {5, 6}, 2), new int[] {1}).item()).isEqualTo(6.0);
        assertThat(HostArray.selectRows(HostArray.of(new float[] {5, 6}, 2), new int[0]).dense().shape()).isEqualTo(Shape.of(0));
    }

    @Test
    void rowSelectionRejectsRowsOutsideItsSourceAndScalars() {
        HostArray source = HostArray.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        assertThatThrownBy(() -> HostArray.selectRows(source, new int[] {0, 3}))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("row 3 is outside [0, 3)")
                .hasMessageContaining("[3, 2]");
        assertThatThrownBy(() -> HostArray.selectRows(source, new int[] {-1})).hasMessageContaining("row -1");
        assertThatThrownBy(() -> HostArray.selectRows(HostArray.selectRows(source, new int[] {0, 1}), new int[] {2}))
                .hasMessageContaining("row 2 is outside [0, 2)");
        assertThatThrownBy(() -> HostArray.selectRows(HostArray.of(new float[] {1}), new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scalar");
        assertThatThrownBy(() -> new HostArray.RowSelection(source, new int[] {0}, Shape.of(2, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[1, 2]");
        int[] rows = {0, 1};
        HostArray.RowSelection sel = HostArray.selectRows(source, rows);
        rows[0] = 2;
        assertThat(sel.rows()).as("selectRows copies the indices").containsExactly(0, 1);
    }
}
