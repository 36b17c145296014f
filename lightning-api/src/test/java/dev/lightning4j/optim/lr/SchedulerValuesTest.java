package dev.lightning4j.optim.lr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lightning4j.nn.Linear;
import dev.lightning4j.optim.Adam;
import dev.lightning4j.optim.LRScheduler;
import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.optim.SGD;
import dev.lightning4j.random.Generator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Host-only values of every scheduler against torch's documented formulas, evaluated here in
 * double. Recursive (chainable) schedules are compared with their closed forms within a relative
 * {@value #CLOSED_FORM_TOL} (the two differ only by rounding); where torch's own output is known
 * (the PyTorch 1.13 trajectories in shared/golden, copied below) the values must match bit for bit.
 */
class SchedulerValuesTest {
    /** Recursive vs closed form: double rounding accumulates over a few dozen steps only. */
    static final double CLOSED_FORM_TOL = 1e-12;
    /** Against values printed by PyTorch: the same formulas with the same libm cosines give the same doubles. */
    static final double TORCH_TOL = 0;

    static SGD sgd(double lr) {
        return SGD.builder(new Linear(3, 2, true, new Generator(1)).parameters()).lr(lr).momentum(0.9).build();
    }

    /** The rate used at each of {@code n} steps: read, then step (as the Trainer does with interval STEP). */
    static double[] run(Optimizer opt, LRScheduler s, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = opt.paramGroups().get(0).lr();
            assertThat(s.lastLr()).containsExactly(out[i]);
            s.step();
        }
        return out;
    }

    static void assertClose(double[] actual, double[] expected, double tol) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(Math.abs(expected[i]), 1e-300);
            assertThat(Math.abs(actual[i] - expected[i]) / scale)
                    .as("step %d: %s vs expected %s", i, actual[i], expected[i]).isLessThanOrEqualTo(tol);
        }
    }

    @Test
    void stepLrHalvesEveryFourStepsAsTheGoldenCase() {
        SGD opt = sgd(0.1);
        double[] lrs = run(opt, new StepLR(opt, 4, 0.5), 20);
        // sgd_steplr_mse.json "lrs": repeated multiplication by 0.5 is exact.
        double[] torch = {0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025,
            0.0125, 0.0125, 0.0125, 0.0125, 0.00625, 0.00625, 0.00625, 0.00625};
        assertThat(lrs).containsExactly(torch);
    }

    @Test
    void stepLrWithAnInexactGammaChainsMultiplications() {
        SGD opt = sgd(0.3);
        double[] lrs = run(opt, new StepLR(opt, 3, 0.7), 12);
        double lr = 0.3;
        for (int t = 0; t < 12; t++) {
            if (t > 0 && t % 3 == 0) {
                lr = lr * 0.7; // torch: group['lr'] * gamma at each boundary
            }
            assertThat(lrs[t]).as("step %d", t).isEqualTo(lr);
            assertThat(lrs[t]).isCloseTo(0.3 * Math.pow(0.7, t / 3), within(1e-15));
        }
    }

    @Test
    void multiStepLrDecaysAtMilestonesCountingRepeats() {
        SGD opt = sgd(1.0);
        // Unordered, with 5 twice: torch's Counter decays by gamma ** 2 at 5.
        double[] lrs = run(opt, new MultiStepLR(opt, List.of(5, 2, 5), 0.1), 8);
        double[] expected = {1.0, 1.0, 0.1, 0.1, 0.1, 0.1 * Math.pow(0.1, 2), 0.1 * Math.pow(0.1, 2),
            0.1 * Math.pow(0.1, 2)};
        assertThat(lrs).containsExactly(expected);
        assertClose(lrs, new double[] {1, 1, 0.1, 0.1, 0.1, 1e-3, 1e-3, 1e-3}, CLOSED_FORM_TOL);
    }

    @Test
    void exponentialLrMultipliesEveryStep() {
        SGD opt = sgd(0.2);
        double[] lrs = run(opt, new ExponentialLR(opt, 0.9), 30);
        double[] closed = new double[30];
        double chained = 0.2;
        for (int t = 0; t < 30; t++) {
            closed[t] = 0.2 * Math.pow(0.9, t);
            if (t > 0) {
                chained *= 0.9;
            }
            assertThat(lrs[t]).isEqualTo(chained);
        }
        assertClose(lrs, closed, CLOSED_FORM_TOL);
    }

    @Test
    void cosineAnnealingMatchesTorchsTrajectory() {
        Adam opt = Adam.builder(new Linear(3, 2, true, new Generator(1)).parameters()).lr(0.02).build();
        double[] lrs = run(opt, new CosineAnnealingLR(opt, 10, 0.001), 20);
        // adam_cosine_ce.json "lrs" (PyTorch 1.13): down to eta_min at T_max, then back up.
        double[] torch = {0.02, 0.01953503690480396, 0.018185661446562, 0.016083959896778494, 0.013435661446561997,
            0.010499999999999995, 0.007564338553437996, 0.004916040103221504, 0.0028143385534379994,
            0.0014649630951960413, 0.001, 0.0014649630951960415, 0.002814338553438007, 0.0049160401032215225,
            0.007564338553438029, 0.010500000000000044, 0.013435661446562056, 0.016083959896778563,
            0.01818566144656208, 0.019535036904804046};
        assertClose(lrs, torch, TORCH_TOL);
        // The closed form differs in the last bits only (e.g. torch's 0.010500000000000044 at t = 15).
        double[] closed = new double[40];
        for (int t = 0; t < closed.length; t++) {
            closed[t] = 0.001 + (0.02 - 0.001) * (1 + Math.cos(Math.PI * t / 10)) / 2;
        }
        SGD opt2 = sgd(0.02);
        assertClose(run(opt2, new CosineAnnealingLR(opt2, 10, 0.001), 40), closed, CLOSED_FORM_TOL);
    }

    @Test
    void linearWarmupCosineAnnealingFollowsBolts() {
        SGD opt = sgd(0.1);
        int warmup = 5;
        int max = 15;
        double start = 0.01;
        double eta = 0.001;
        double[] lrs = run(opt, new LinearWarmupCosineAnnealingLR(opt, warmup, max, start, eta), max + 1);
        // Bolts' closed form (_get_closed_form_lr): linear over warmup - 1 increments, then cosine.
        double[] closed = new double[max + 1];
        for (int t = 0; t <= max; t++) {
            closed[t] = t < warmup
                    ? start + t * (0.1 - start) / (warmup - 1)
                    : eta + 0.5 * (0.1 - eta) * (1 + Math.cos(Math.PI * (t - warmup) / (max - warmup)));
        }
        assertClose(lrs, closed, CLOSED_FORM_TOL);
        assertThat(lrs[0]).isEqualTo(start);
        assertThat(lrs[warmup]).isEqualTo(0.1);
        assertThat(lrs[max]).isCloseTo(eta, within(1e-15));
    }

    @Test
    void oneCycleMatchesTorchsTrajectoryAndCyclesSgdMomentum() {
        SGD opt = sgd(0.1);
        OneCycleLR s = new OneCycleLR(opt, 0.2, 20);
        double[] momenta = new double[20];
        double[] lrs = new double[20];
        for (int i = 0; i < 20; i++) {
            lrs[i] = opt.paramGroups().get(0).lr();
            momenta[i] = opt.paramGroups().get(0).get("momentum");
            s.step();
        }
        // sgd_onecycle_ce.json "lrs" (PyTorch 1.13, max_lr 0.2, total_steps 20, defaults).
        double[] torch = {0.008000000000000007, 0.026334368540005065, 0.07433436854000505, 0.13366563145999494,
            0.18166563145999495, 0.2, 0.19749280124701749, 0.19009692640269477, 0.17818323551421, 0.1623491307899526,
            0.14338860035826018, 0.12225240438725786, 0.1000004, 0.07774839561274215, 0.056612199641739844,
            0.0376516692100474, 0.021817564485790007, 0.009903873597305258, 0.002507998752982511, 8e-07};
        assertClose(lrs, torch, TORCH_TOL);
        // Momentum: 0.95 -> 0.85 while the rate rises (steps 0..5), back to 0.95 at the end (cosine).
        for (int t = 0; t < 20; t++) {
            double expected = t <= 5
                    ? 0.85 + (0.95 - 0.85) / 2 * (Math.cos(Math.PI * t / 5.0) + 1)
                    : 0.95 + (0.85 - 0.95) / 2 * (Math.cos(Math.PI * (t - 5) / 14.0) + 1);
            assertThat(momenta[t]).as("momentum at %d", t).isCloseTo(expected, within(1e-15));
        }
        // The constructor's step and total_steps further ones are allowed; one more is not.
        org.assertj.core.api.Assertions.assertThatThrownBy(s::step)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("OneCycleLR").hasMessageContaining("total steps is 20");
        assertThat(s.lastEpoch()).as("a refused step changes nothing").isEqualTo(20);
    }

    @Test
    void oneCycleCyclesAdamsBeta1AndSupportsLinearThreePhase() {
        Adam opt = Adam.builder(new Linear(3, 2, true, new Generator(1)).parameters()).lr(1e-3).build();
        OneCycleLR s = OneCycleLR.builder(opt, 1.0, 10).annealStrategy("linear").threePhase(true).pctStart(0.25)
                .divFactor(10).finalDivFactor(100).build();
        double[] lrs = new double[11];
        double[] beta1 = new double[11];
        for (int t = 0; t <= 10; t++) {
            lrs[t] = opt.paramGroups().get(0).lr();
            beta1[t] = opt.paramGroups().get(0).get("beta1");
            if (t < 10) {
                s.step();
            }
        }
        // Phases end at 1.5 (0.1 -> 1), 3.0 (1 -> 0.1), 9 (0.1 -> 0.001); linear: (end - start) * pct + start.
        double[] expected = new double[11];
        double[] expectedBeta = new double[11];
        for (int t = 0; t <= 10; t++) {
            if (t <= 1.5) {
                expected[t] = (1.0 - 0.1) * (t / 1.5) + 0.1;
                expectedBeta[t] = (0.85 - 0.95) * (t / 1.5) + 0.95;
            } else if (t <= 3.0) {
                expected[t] = (0.1 - 1.0) * ((t - 1.5) / 1.5) + 1.0;
                expectedBeta[t] = (0.95 - 0.85) * ((t - 1.5) / 1.5) + 0.85;
            } else {
                expected[t] = (0.001 - 0.1) * ((t - 3.0) / 6.0) + 0.1;
                expectedBeta[t] = 0.95;
            }
        }
        assertThat(lrs).containsExactly(expected);
        assertThat(beta1).containsExactly(expectedBeta);
        assertThat(opt.paramGroups().get(0).get("beta2")).isEqualTo(0.999);
    }

    @Test
    void reduceOnPlateauWaitsPatienceThenReducesAndCoolsDown() {
        SGD opt = sgd(1.0);
        ReduceLROnPlateau s = ReduceLROnPlateau.builder(opt).patience(2).factor(0.5).cooldown(1).minLr(0.2).build();
        assertThat(s.needsMetric()).isTrue();
        assertThat(s.lastLr()).containsExactly(1.0);
        double[] metrics = {1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95};
        double[] lrsAfter = new double[metrics.length];
        for (int i = 0; i < metrics.length; i++) {
            s.step(metrics[i]);
            lrsAfter[i] = opt.paramGroups().get(0).lr();
        }
        // best 0.9 at step 1; bad steps 2,3,4 -> 3 > patience 2 at step 4: 0.5, cooldown 1 swallows
        // step 5; bad 6,7,8 -> 0.25 at step 8; cooldown 9; bad 10,11,12 -> max(0.125, 0.2) = 0.2 at 12.
        assertThat(lrsAfter).containsExactly(1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2);
        assertThat(s.best()).isEqualTo(0.9);
        assertThat(s.lastLr()).containsExactly(0.2);
        // At min_lr a reduction changes less than eps and is skipped.
        for (int i = 0; i < 5; i++) {
            s.step(1.0);
        }
        assertThat(opt.paramGroups().get(0).lr()).isEqualTo(0.2);
    }

    @Test
    void reduceOnPlateauThresholdModes() {
        SGD opt = sgd(1.0);
        ReduceLROnPlateau rel = ReduceLROnPlateau.builder(opt).patience(0).threshold(0.1).build();
        rel.step(1.0);
        rel.step(0.95); // not < 1.0 * 0.9: bad, > patience 0: reduce
        assertThat(opt.paramGroups().get(0).lr()).isCloseTo(0.1, within(1e-17));
        SGD opt2 = sgd(1.0);
        ReduceLROnPlateau absMax = ReduceLROnPlateau.builder(opt2).mode("max").thresholdMode("abs").threshold(0.5).patience(0).build();
        absMax.step(1.0);
        absMax.step(1.6); // > 1.0 + 0.5: better
        assertThat(opt2.paramGroups().get(0).lr()).isEqualTo(1.0);
        absMax.step(2.0); // not > 2.1
        assertThat(opt2.paramGroups().get(0).lr()).isCloseTo(0.1, within(1e-17));
        absMax.step(Double.NaN); // NaN is never better
        assertThat(absMax.numBadEpochs()).isZero(); // reduced again, counter reset
        assertThat(opt2.paramGroups().get(0).lr()).isCloseTo(0.01, within(1e-17));
    }

    @Test
    void aSecondSchedulerStartsFromTheInitialLrAsTorchsSetdefault() {
        SGD opt = sgd(0.5);
        new StepLR(opt, 1, 0.1).step();
        assertThat(opt.paramGroups().get(0).lr()).isCloseTo(0.05, within(1e-17));
        CosineAnnealingLR second = new CosineAnnealingLR(opt, 4);
        assertThat(second.baseLrs()).containsExactly(0.5);
        assertThat(AbstractLRScheduler.initialLr(opt.paramGroups().get(0))).isEqualTo(0.5);
    }
}
