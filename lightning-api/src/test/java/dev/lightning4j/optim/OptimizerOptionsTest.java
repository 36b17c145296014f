package dev.lightning4j.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lightning4j.nn.Linear;
import dev.lightning4j.nn.Parameter;
import dev.lightning4j.random.Generator;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimizerOptionsTest {
    private final List<Parameter> params = new Linear(3, 2, true, new Generator(1)).parameters();

    @Test
    void sgdValidatesLikeTorch() {
        assertThatThrownBy(() -> SGD.builder(params).lr(0.1).nesterov(true).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Nesterov").hasMessageContaining("momentum=0.0");
        assertThatThrownBy(() -> SGD.builder(params).lr(0.1).momentum(0.9).dampening(0.1).nesterov(true).build())
                .hasMessageContaining("dampening=0.1");
        assertThatThrownBy(() -> new SGD(params, -1)).hasMessageContaining("SGD").hasMessageContaining("learning rate");
        assertThatThrownBy(() -> SGD.builder(params).lr(0.1).momentum(-0.5).build()).hasMessageContaining("momentum");
        assertThatThrownBy(() -> SGD.builder(params).lr(0.1).weightDecay(-1).build()).hasMessageContaining("weight_decay");
        assertThatThrownBy(() -> SGD.builder(params).momentum(0.9).build()).hasMessageContaining("learning rate is required");
        assertThatThrownBy(() -> new SGD(List.of(), 0.1)).hasMessageContaining("empty parameter list");
    }

    @Test
    void sgdStoresOptionsUnderTorchNames() {
        SGD sgd = SGD.builder(params).lr(0.1).momentum(0.9).nesterov(true).weightDecay(1e-4).build();
        assertThat(sgd.paramGroups()).hasSize(1);
        assertThat(sgd.paramGroups().get(0).options())
                .containsEntry("lr", 0.1).containsEntry("momentum", 0.9).containsEntry("dampening", 0.0)
                .containsEntry("weight_decay", 1e-4);
        assertThat(sgd.nesterov()).isTrue();
        assertThat(sgd.paramGroups().get(0).params()).containsExactlyElementsOf(params);
        sgd.paramGroups().get(0).set("lr", 0.05);
        assertThat(sgd.paramGroups().get(0).lr()).isEqualTo(0.05);
    }

    @Test
    void adamValidatesLikeTorch() {
        assertThatThrownBy(() -> Adam.builder(params).betas(1.0, 0.999).build()).hasMessageContaining("index 0");
        assertThatThrownBy(() -> Adam.builder(params).betas(0.9, -0.1).build()).hasMessageContaining("index 1");
        assertThatThrownBy(() -> Adam.builder(params).eps(-1e-8).build()).hasMessageContaining("eps");
        assertThatThrownBy(() -> AdamW.builder(params).weightDecay(-0.1).build())
                .hasMessageContaining("AdamW").hasMessageContaining("weight_decay");
    }

    @Test
    void adamDefaultsAndNames() {
        Adam adam = Adam.builder(params).build();
        assertThat(adam.paramGroups().get(0).options())
                .containsEntry("lr", 1e-3).containsEntry("beta1", 0.9).containsEntry("beta2", 0.999)
                .containsEntry("eps", 1e-8).containsEntry("weight_decay", 0.0);
        assertThat(adam.amsgrad()).isFalse();
        AdamW adamw = AdamW.builder(params).lr(0.01).amsgrad(true).build();
        assertThat(adamw.paramGroups().get(0).get("weight_decay")).isEqualTo(0.01);
        assertThat(adamw.amsgrad()).isTrue();
        assertThat(new AdamW(params, 0.1).paramGroups().get(0).get("weight_decay")).isEqualTo(0.01);
    }

    @Test
    void rmspropDefaultsAndValidation() {
        RMSprop r = RMSprop.builder(params).centered(true).momentum(0.5).build();
        assertThat(r.paramGroups().get(0).options())
                .containsEntry("lr", 0.01).containsEntry("alpha", 0.99).containsEntry("eps", 1e-8)
                .containsEntry("momentum", 0.5).containsEntry("weight_decay", 0.0);
        assertThat(r.centered()).isTrue();
        assertThatThrownBy(() -> RMSprop.builder(params).alpha(-0.1).build()).hasMessageContaining("alpha");
        assertThatThrownBy(() -> RMSprop.builder(params).momentum(-1).build()).hasMessageContaining("momentum");
    }
}
