package dev.lightning4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayersTest {

    /** A model with a nested Sequential, like a user's encoder/head model. */
    static final class EncoderHead extends Module {
        final Sequential encoder;
        final Linear head;

        EncoderHead(Generator g) {
            encoder = register("encoder", new Sequential(new Linear(3, 5, true, g), new ReLU(), new Dropout(0.1)));
            head = register("head", new Linear(5, 2, false, g));
        }

        @Override
        public dev.lightning4j.tensor.Tensor forward(dev.lightning4j.tensor.Tensor x) {
            return head.forward(encoder.forward(x));
        }
    }

    @Test
    void linearShapesAndBounds() {
        Linear l = new Linear(10, 4, true, new Generator(1));
        assertThat(l.weight().shape()).isEqualTo(Shape.of(4, 10));
        assertThat(l.bias().shape()).isEqualTo(Shape.of(4));
        double bound = 1 / Math.sqrt(10);
        for (float v : l.weight().data().toFloatArray()) {
            assertThat(Math.abs(v)).isLessThanOrEqualTo((float) bound);
        }
        for (float v : l.bias().data().toFloatArray()) {
            assertThat(Math.abs(v)).isLessThanOrEqualTo((float) bound);
        }
        assertThat(l.numParameters()).isEqualTo(44);
        assertThat(new Linear(10, 4, false).namedParameters()).containsOnlyKeys("weight");
        assertThatThrownBy(() -> new Linear(0, 4)).hasMessageContaining("Linear").hasMessageContaining("in=0");
    }

    @Test
    void sequentialStateDictNamesFollowPyTorch() {
        Sequential s = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1));
        assertThat(s.stateDict().keySet()).containsExactly("0.weight", "0.bias", "2.weight", "2.bias");
        assertThat(s.stateDict().get("2.weight").shape()).isEqualTo(Shape.of(1, 8));
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.get(-1)).isInstanceOf(Linear.class);

        EncoderHead m = new EncoderHead(new Generator(3));
        assertThat(m.stateDict().keySet()).containsExactly("encoder.0.weight", "encoder.0.bias", "head.weight");
    }

    @Test
    void sameSeedGivesSameWeights() {
        Map<String, HostArray> a = new EncoderHead(new Generator(9)).stateDict();
        Map<String, HostArray> b = new EncoderHead(new Generator(9)).stateDict();
        Map<String, HostArray> c = new EncoderHead(new Generator(10)).stateDict();
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);

        Generator.defaultGenerator().manualSeed(123);
        HostArray d1 = new Linear(3, 3).weight().data();
        Generator.defaultGenerator().manualSeed(123);
        HostArray d2 = new Linear(3, 3).weight().data();
        assertThat(d1).isEqualTo(d2);
    }

    @Test
    void loadStateDictRoundTripsAndNamesBadKeys() {
        EncoderHead src = new EncoderHead(new Generator(1));
        EncoderHead dst = new EncoderHead(new Generator(2));
        dst.loadStateDict(src.stateDict(), true);
        assertThat(dst.stateDict()).isEqualTo(src.stateDict());

        Map<String, HostArray> missing = new LinkedHashMap<>(src.stateDict());
        missing.remove("head.weight");
        missing.put("head.bias", HostArray.of(new float[2], 2));
        assertThatThrownBy(() -> dst.loadStateDict(missing, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing keys [head.weight]")
                .hasMessageContaining("unexpected keys [head.bias]");

        Map<String, HostArray> badShape = new LinkedHashMap<>(src.stateDict());
        badShape.put("encoder.0.weight", HostArray.of(new float[15], 3, 5));
        HostArray before = dst.stateDict().get("encoder.0.bias");
        assertThatThrownBy(() -> dst.loadStateDict(badShape, true))
                .hasMessageContaining("encoder.0.weight").hasMessageContaining("[3, 5]").hasMessageContaining("[5, 3]");
        assertThat(dst.stateDict().get("encoder.0.bias")).isEqualTo(before);
    }

    @Test
    void trainAndEvalReachEveryLayer() {
        EncoderHead m = new EncoderHead(new Generator(1));
        m.eval();
        assertThat(m.modules()).allMatch(x -> !x.isTraining());
        m.train(true);
        assertThat(m.encoder.get(2).isTraining()).isTrue();
    }

    @Test
    void layerArgumentsAreValidated() {
        assertThatThrownBy(() -> new Dropout(1.5)).hasMessageContaining("Dropout").hasMessageContaining("1.5");
        assertThatThrownBy(() -> new Sequential(new ReLU(), null)).hasMessageContaining("module 1");
        assertThat(new Flatten().startDim()).isEqualTo(1);
        assertThat(new Softmax(-1).dim()).isEqualTo(-1);
        assertThat(new Identity().namedParameters()).isEmpty();
    }
}
