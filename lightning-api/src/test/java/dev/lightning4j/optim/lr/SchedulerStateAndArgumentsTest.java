package dev.lightning4j.optim.lr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lightning4j.nn.Linear;
import dev.lightning4j.optim.Adam;
import dev.lightning4j.optim.LRScheduler;
import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.optim.ParamGroup;
import dev.lightning4j.optim.RMSprop;
import dev.lightning4j.optim.SGD;
import dev.lightning4j.random.Generator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** State dicts survive a JSON-like round trip mid-schedule, and bad arguments name the scheduler and the argument. */
class SchedulerStateAndArgumentsTest {

    static SGD sgd() {
        return SGD.builder(new Linear(3, 2, true, new Generator(1)).parameters()).lr(0.1).momentum(0.9).build();
    }

    static LRScheduler build(String kind, Optimizer opt) {
        switch (kind) {
            case "StepLR":
                return new StepLR(opt, 3, 0.5);
            case "MultiStepLR":
                return new MultiStepLR(opt, List.of(2, 5, 5, 9), 0.3);
            case "ExponentialLR":
                return new ExponentialLR(opt, 0.93);
            case "CosineAnnealingLR":
                return new CosineAnnealingLR(opt, 6, 0.002);
            case "LinearWarmupCosineAnnealingLR":
                return new LinearWarmupCosineAnnealingLR(opt, 3, 12, 0.01, 0.001);
            case "OneCycleLR":
                return OneCycleLR.builder(opt, 0.5, 16).threePhase(true).build();
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    /** What a checkpoint's JSON gives back: every number a Double, lists and maps copied. */
    @SuppressWarnings("unchecked")
    static Object viaJson(Object v) {
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof Map<?, ?>) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) v).forEach((k, x) -> out.put(k, viaJson(x)));
            return out;
        }
        if (v instanceof List<?>) {
            List<Object> out = new ArrayList<>();
            ((List<?>) v).forEach(x -> out.add(viaJson(x)));
            return out;
        }
        assertThat(v == null || v instanceof String || v instanceof Boolean).as("JSON-compatible value %s", v).isTrue();
        return v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> roundTrip(Map<String, Object> state) {
        return (Map<String, Object>) viaJson(state);
    }

    /** The checkpoint restores every param group option; so does this. */
    static void copyOptions(Optimizer from, Optimizer to) {
        for (int g = 0; g < from.paramGroups().size(); g++) {
            ParamGroup target = to.paramGroups().get(g);
            from.paramGroups().get(g).options().forEach(target::set);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearWarmupCosineAnnealingLR",
        "OneCycleLR"})
    void aRestoredSchedulerContinuesExactly(String kind) {
        SGD original = sgd();
        LRScheduler a = build(kind, original);
        for (int i = 0; i < 7; i++) {
            a.step();
        }
        Map<String, Object> saved = roundTrip(a.stateDict());
        assertThat(saved).containsKeys("last_epoch", "base_lrs", "_step_count", "_last_lr");
        assertThat(saved.get("last_epoch")).isEqualTo(7.0);
        assertThat(saved.get("_step_count")).isEqualTo(8.0);

        SGD resumed = sgd();
        LRScheduler b = build(kind, resumed);
        copyOptions(original, resumed);
        b.loadStateDict(saved);
        assertThat(b.lastLr()).isEqualTo(a.lastLr());
        assertThat(roundTrip(b.stateDict())).isEqualTo(saved);
        for (int i = 0; i < 8; i++) {
            a.step();
            b.step();
            assertThat(resumed.paramGroups().get(0).options()).as("%s after %d more steps", kind, i + 1)
                    .isEqualTo(original.paramGroups().get(0).options());
        }
        assertThat(b.stateDict()).isEqualTo(a.stateDict());
    }

    @Test
    void loadedHyperParametersReplaceTheConstructorsAsInTorch() {
        SGD opt = sgd();
        StepLR s = new StepLR(opt, 3, 0.5);
        Map<String, Object> state = new LinkedHashMap<>(s.stateDict());
        state.put("step_size", 1L);
        state.put("gamma", 0.25);
        s.loadStateDict(state);
        s.step();
        assertThat(opt.paramGroups().get(0).lr()).isEqualTo(0.1 * 0.25);
        assertThat(s.stateDict()).containsEntry("step_size", 1).containsEntry("gamma", 0.25);
    }

    @Test
    void plateauStateRoundTripsIncludingAnInfiniteBest() {
        SGD original = sgd();
        ReduceLROnPlateau a = ReduceLROnPlateau.builder(original).mode("max").patience(1).cooldown(2).factor(0.5).build();
        assertThat(a.stateDict()).containsEntry("best", Double.NEGATIVE_INFINITY).containsEntry("mode", "max");
        double[] metrics = {0.1, 0.2, 0.2, 0.2, 0.15, 0.1, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3};
        for (int i = 0; i < 5; i++) {
            a.step(metrics[i]);
        }
        Map<String, Object> saved = roundTrip(a.stateDict());
        assertThat(saved).containsKeys("best", "num_bad_epochs", "cooldown_counter", "last_epoch", "mode_worse",
                "threshold_mode", "min_lrs", "eps", "_last_lr");
        SGD resumed = sgd();
        ReduceLROnPlateau b = new ReduceLROnPlateau(resumed);
        copyOptions(original, resumed);
        b.loadStateDict(saved);
        for (int i = 5; i < metrics.length; i++) {
            a.step(metrics[i]);
            b.step(metrics[i]);
            assertThat(resumed.paramGroups().get(0).lr()).isEqualTo(original.paramGroups().get(0).lr());
        }
        assertThat(b.stateDict()).isEqualTo(a.stateDict());
        assertThat(original.paramGroups().get(0).lr()).isLessThan(0.1);
    }

    @Test
    void plateauNeedsAMetric() {
        ReduceLROnPlateau s = new ReduceLROnPlateau(sgd());
        assertThat(s.needsMetric()).isTrue();
        assertThatThrownBy(s::step).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ReduceLROnPlateau").hasMessageContaining("metric");
    }

    @Test
    void badStateIsNamed() {
        StepLR s = new StepLR(sgd(), 2);
        Map<String, Object> state = new LinkedHashMap<>(s.stateDict());
        state.remove("last_epoch");
        assertThatThrownBy(() -> s.loadStateDict(state)).hasMessageContaining("StepLR.loadStateDict").hasMessageContaining("last_epoch");
        Map<String, Object> twoGroups = new LinkedHashMap<>(s.stateDict());
        twoGroups.put("base_lrs", List.of(0.1, 0.2));
        assertThatThrownBy(() -> s.loadStateDict(twoGroups)).hasMessageContaining("base_lrs").hasMessageContaining("1 param groups");
        Map<String, Object> badType = new LinkedHashMap<>(s.stateDict());
        badType.put("gamma", "half");
        assertThatThrownBy(() -> s.loadStateDict(badType)).hasMessageContaining("'gamma' must be a number");
        ReduceLROnPlateau p = new ReduceLROnPlateau(sgd());
        Map<String, Object> badMode = new LinkedHashMap<>(p.stateDict());
        badMode.put("mode", "sideways");
        assertThatThrownBy(() -> p.loadStateDict(badMode)).hasMessageContaining("ReduceLROnPlateau.loadStateDict")
                .hasMessageContaining("mode 'sideways'");
    }

    private static void rejects(Function<SGD, Object> make, String scheduler, String argument) {
        assertThatThrownBy(() -> make.apply(sgd())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(scheduler).hasMessageContaining(argument);
    }

    @Test
    void badArgumentsNameTheSchedulerAndTheArgument() {
        rejects(o -> new StepLR(o, 0, 0.1), "StepLR", "step_size");
        rejects(o -> new StepLR(o, 2, Double.NaN), "StepLR", "gamma");
        rejects(o -> new StepLR(o, 2, -0.5), "StepLR", "gamma");
        rejects(o -> new MultiStepLR(o, List.of(3, -1), 0.1), "MultiStepLR", "milestone");
        rejects(o -> new MultiStepLR(o, List.of(3), 0), "MultiStepLR", "gamma");
        rejects(o -> new ExponentialLR(o, Double.POSITIVE_INFINITY), "ExponentialLR", "gamma");
        rejects(o -> new CosineAnnealingLR(o, 0, 0), "CosineAnnealingLR", "T_max");
        rejects(o -> new CosineAnnealingLR(o, 10, -1e-3), "CosineAnnealingLR", "eta_min");
        rejects(o -> new LinearWarmupCosineAnnealingLR(o, 0, 10), "LinearWarmupCosineAnnealingLR", "warmup_epochs");
        rejects(o -> new LinearWarmupCosineAnnealingLR(o, 5, 5), "LinearWarmupCosineAnnealingLR", "max_epochs");
        rejects(o -> new LinearWarmupCosineAnnealingLR(o, 2, 5, -1, 0), "LinearWarmupCosineAnnealingLR", "warmup_start_lr");
        rejects(o -> new OneCycleLR(o, 0.1, 0), "OneCycleLR", "total_steps");
        rejects(o -> new OneCycleLR(o, 0, 10), "OneCycleLR", "max_lr");
        rejects(o -> OneCycleLR.builder(o, 0.1, 10).pctStart(1.5).build(), "OneCycleLR", "pct_start");
        rejects(o -> OneCycleLR.builder(o, 0.1, 10).annealStrategy("cosine").build(), "OneCycleLR", "anneal_strategy");
        rejects(o -> OneCycleLR.builder(o, 0.1, 10).divFactor(0).build(), "OneCycleLR", "div_factor");
        rejects(o -> OneCycleLR.builder(o, 0.1, 10).finalDivFactor(-1).build(), "OneCycleLR", "final_div_factor");
        rejects(o -> OneCycleLR.builder(o, 0.1, 10).maxMomentum(1.0).build(), "OneCycleLR", "max_momentum");
        rejects(o -> OneCycleLR.builder(o, 0.1, 10).maxLrs(List.of(0.1, 0.2)).build(), "OneCycleLR", "max_lr");
        rejects(o -> ReduceLROnPlateau.builder(o).factor(1.0).build(), "ReduceLROnPlateau", "factor");
        rejects(o -> ReduceLROnPlateau.builder(o).mode("average").build(), "ReduceLROnPlateau", "mode");
        rejects(o -> ReduceLROnPlateau.builder(o).thresholdMode("pct").build(), "ReduceLROnPlateau", "threshold_mode");
        rejects(o -> ReduceLROnPlateau.builder(o).patience(-1).build(), "ReduceLROnPlateau", "patience");
        rejects(o -> ReduceLROnPlateau.builder(o).cooldown(-1).build(), "ReduceLROnPlateau", "cooldown");
        rejects(o -> ReduceLROnPlateau.builder(o).minLr(-1).build(), "ReduceLROnPlateau", "min_lr");
        rejects(o -> ReduceLROnPlateau.builder(o).minLrs(List.of(0.0, 0.0)).build(), "ReduceLROnPlateau", "min_lrs");
        rejects(o -> ReduceLROnPlateau.builder(o).eps(-1).build(), "ReduceLROnPlateau", "eps");
        assertThatThrownBy(() -> new StepLR(null, 2)).isInstanceOf(NullPointerException.class).hasMessageContaining("StepLR");
    }

    @Test
    void oneCycleNeedsAMomentumOptionToCycleIt() {
        Optimizer rms = new RMSprop(new Linear(3, 2, true, new Generator(1)).parameters(), 0.01);
        // RMSprop has 'momentum', so it cycles; an optimizer without either option is refused.
        new OneCycleLR(rms, 0.1, 10);
        assertThat(rms.paramGroups().get(0).get("momentum")).isEqualTo(0.95);
        Optimizer lrOnly = new Optimizer(new Linear(3, 2, true, new Generator(1)).parameters(), Map.of("lr", 0.01)) {
            @Override
            protected void updateParameter(Hyper h, dev.lightning4j.nn.Parameter p, dev.lightning4j.tensor.Tensor grad) {
            }
        };
        assertThatThrownBy(() -> new OneCycleLR(lrOnly, 0.1, 10)).hasMessageContaining("OneCycleLR")
                .hasMessageContaining("cycle_momentum").hasMessageContaining("'momentum' or 'beta1'");
        assertThat(lrOnly.paramGroups().get(0).lr()).as("a refused scheduler leaves the optimizer alone").isEqualTo(0.01);
        OneCycleLR.builder(lrOnly, 0.1, 10).cycleMomentum(false).build();
        // cos annealing at pct 0 gives max + (initial - max), a few ulps from 0.004, as in torch.
        assertThat(lrOnly.paramGroups().get(0).lr()).isCloseTo(0.1 / 25, org.assertj.core.api.Assertions.within(1e-15));
        Adam adam = Adam.builder(new Linear(3, 2, true, new Generator(1)).parameters()).build();
        OneCycleLR.builder(adam, 0.1, 10).cycleMomentum(false).build();
        assertThat(adam.paramGroups().get(0).get("beta1")).isEqualTo(0.9);
    }
}
