package dev.lightning4j.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lightning4j.accelerators.Accelerators;
import dev.lightning4j.tensor.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerConfigTest {

    @Test
    void defaultsFollowLightning() {
        TrainerConfig c = Trainer.builder().backend("pytorch").config();
        assertThat(c.effectiveMaxEpochs()).isEqualTo(1000);
        assertThat(c.numSanityValSteps()).isEqualTo(2);
        assertThat(Trainer.builder().maxSteps(10).config().effectiveMaxEpochs()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void invalidOptionsNameTheKey() {
        assertThatThrownBy(() -> Trainer.builder().maxEpochs(-5).config())
                .hasMessage("trainer.maxEpochs = -5 is invalid; expected -1 or a count >= 0");
        assertThatThrownBy(() -> Trainer.builder().limitTrainBatches(1.5))
                .hasMessageContaining("fraction must be in [0, 1]");
    }

    @Test
    void compileDefaultsToNoneAndAcceptsOnlyKnownModes() {
        assertThat(Trainer.builder().config().compile()).isEqualTo("none");
        assertThat(Trainer.builder().config().compiled()).isFalse();
        assertThat(Trainer.builder().compile(" XLA ").config().compile()).isEqualTo("xla");
        assertThat(Trainer.builder().compile("xla").config().compiled()).isTrue();
        assertThatThrownBy(() -> Trainer.builder().compile("tvm").config())
                .hasMessage("trainer.compile = tvm is invalid; expected one of none, xla");
    }

    @Test
    void batchLimits() {
        assertThat(BatchLimit.fraction(0.25).apply(10)).isEqualTo(2);
        assertThat(BatchLimit.count(3).apply(10)).isEqualTo(3);
        assertThat(BatchLimit.count(30).apply(10)).isEqualTo(10);
        assertThat(BatchLimit.ALL.apply(7)).isEqualTo(7);
    }

    @Test
    void acceleratorSelection() {
        List<Device> cpuOnly = List.of(Device.cpu());
        assertThat(Accelerators.select("auto", 1, cpuOnly)).containsExactly(Device.cpu());
        assertThat(Accelerators.select("auto", 1, List.of(Device.cpu(), Device.cuda(0)))).containsExactly(Device.cuda(0));
        assertThatThrownBy(() -> Accelerators.select("cuda", 1, cpuOnly))
                .hasMessageContaining("needs 1 GPU(s), but the engine sees 0");
        assertThatThrownBy(() -> Accelerators.select("tpu", 1, cpuOnly)).hasMessageContaining("expected auto, cpu or cuda");
    }
}
