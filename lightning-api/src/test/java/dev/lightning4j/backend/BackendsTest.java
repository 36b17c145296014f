package dev.lightning4j.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BackendsTest {

    @Test
    void anExplicitNameWinsOverPropertyAndEnvironment() {
        assertThat(Backends.resolveName("TensorFlow", "pytorch", "pytorch")).isEqualTo("tensorflow");
    }

    @Test
    void thePropertyWinsOverTheEnvironment() {
        assertThat(Backends.resolveName(null, "tensorflow", "pytorch")).isEqualTo("tensorflow");
    }

    @Test
    void theEnvironmentIsUsedWhenNothingElseNamesOne() {
        assertThat(Backends.resolveName(null, " ", "tensorflow")).isEqualTo("tensorflow");
    }

    @Test
    void pytorchIsTheDefault() {
        assertThat(Backends.resolveName(null, null, null)).isEqualTo("pytorch");
    }

    @Test
    void anUnknownBackendNamesTheOptions() {
        // lightning-api has no engine on its own test classpath.
        assertThatThrownBy(() -> Backends.provider("mxnet"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown backend 'mxnet'")
                .hasMessageContaining("installed backends are none")
                .hasMessageContaining("lightning.backend");
    }
}
