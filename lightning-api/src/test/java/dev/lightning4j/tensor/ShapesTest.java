package dev.lightning4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShapesTest {

    @Test
    void broadcastsLikePyTorch() {
        assertThat(Shapes.broadcast("add", Shape.of(2, 3), Shape.of(3))).isEqualTo(Shape.of(2, 3));
        assertThat(Shapes.broadcast("add", Shape.of(2, 1), Shape.of(1, 3))).isEqualTo(Shape.of(2, 3));
        assertThat(Shapes.broadcast("add", Shape.of(5, 1, 4), Shape.of(3, 1))).isEqualTo(Shape.of(5, 3, 4));
        assertThat(Shapes.broadcast("add", Shape.scalar(), Shape.of(4))).isEqualTo(Shape.of(4));
    }

    @Test
    void unknownDimensionsAreCompatible() {
        assertThat(Shapes.broadcast("mul", Shape.of(-1, 3), Shape.of(3))).isEqualTo(Shape.of(-1, 3));
        assertThat(Shapes.broadcast("mul", Shape.of(-1, 1), Shape.of(1, 4))).isEqualTo(Shape.of(-1, 4));
    }

    @Test
    void aClashNamesOpShapesAndDimension() {
        assertThatThrownBy(() -> Shapes.broadcast("sub", Shape.of(2, 3), Shape.of(4)))
                .hasMessage("sub: shapes [2, 3] and [4] are not broadcastable (dimension -1: 3 vs 4)");
    }

    @Test
    void shapeHelpers() {
        Shape s = Shape.of(2, 3, 4);
        assertThat(s.numel()).isEqualTo(24);
        assertThat(s.get(-1)).isEqualTo(4);
        assertThat(s.drop(1)).isEqualTo(Shape.of(2, 4));
        assertThat(s.insert(3, 1)).isEqualTo(Shape.of(2, 3, 4, 1));
        assertThat(Shape.of(-1, 3).numel()).isEqualTo(Shape.UNKNOWN);
        assertThat(Shape.of(-1, 3).toString()).isEqualTo("[?, 3]");
        assertThatThrownBy(() -> s.get(3)).hasMessageContaining("dimension 3 is out of range for a tensor of rank 3");
    }

    @Test
    void hostArraysCheckTheirLength() {
        assertThatThrownBy(() -> HostArray.of(new float[5], 2, 3))
                .hasMessage("host data has 5 values but shape [2, 3] needs 6");
        assertThat(HostArray.of(new long[] {1, 2}, 2).toFloatArray()).containsExactly(1f, 2f);
        assertThat(DType.promote(DType.INT64, DType.FLOAT32)).isEqualTo(DType.FLOAT32);
    }
}
