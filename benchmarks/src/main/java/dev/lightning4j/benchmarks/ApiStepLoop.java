package dev.lightning4j.benchmarks;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.Backends;
import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.Gradients;
import dev.lightning4j.backend.StepFunction;
import dev.lightning4j.nn.Parameter;
import dev.lightning4j.nn.functional.F;
import dev.lightning4j.optim.Adam;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Diagnostic: the same training step written directly over the API (model, {@code F.crossEntropy},
 * {@code valueAndGrad}, {@code Adam}) in one compiled step per batch, without the Trainer's loop,
 * logging or progress bar. Between the raw loop and the Trainer, it splits the Trainer's overhead
 * into what the API and backend cost and what the loop around them costs.
 */
final class ApiStepLoop implements StepLoop {
    private final String backendName;
    private final boolean plainLoss;

    ApiStepLoop(String backendName) {
        this(backendName, false);
    }

    /**
     * With {@code plainLoss}, the loss is the raw loops' {@code -mean(logSoftmax(logits)[y])} instead of
     * {@code F.crossEntropy} (which also masks ignored targets): a diagnostic of what that masking costs.
     */
    ApiStepLoop(String backendName, boolean plainLoss) {
        this.backendName = backendName;
        this.plainLoss = plainLoss;
    }

    /** The Trainer's training step without the Trainer: loss, gradients of every parameter, Adam. */
    static StepFunction trainingStep(Models.Classifier model, Adam adam) {
        return trainingStep(model, adam, false);
    }

    static StepFunction trainingStep(Models.Classifier model, Adam adam, boolean plainLoss) {
        List<Parameter> params = model.parameters();
        return (ctx, in) -> {
            Gradients g = ctx.valueAndGrad(() -> plainLoss
                            ? model.forward(in.get("x")).logSoftmax(1).takeAlongLastDim(in.get("y")).neg().mean()
                            : F.crossEntropy(model.forward(in.get("x")), in.get("y")),
                    params.stream().map(Parameter::variable).toList());
            Map<Parameter, Tensor> grads = new HashMap<>();
            for (int i = 0; i < params.size(); i++) {
                grads.put(params.get(i), g.grads().get(i));
            }
            adam.step(ctx, grads);
            return Map.of("loss", g.value());
        };
    }

    @Override
    public Stepper open(Workload w) {
        return new ApiStepper(w, backendName, plainLoss);
    }

    private static final class ApiStepper implements Stepper {
        private final Workload w;
        private final Models.Classifier model;
        private final Backend backend;
        private final Adam adam;
        private final CompiledStep step;
        private final long[] xShape;
        private int s;

        ApiStepper(Workload w, String backendName, boolean plainLoss) {
            this.w = w;
            model = w.model.get();
            backend = Backends.create(backendName);
            model.to(backend, Device.cpu());
            adam = new Adam(model.parameters(), Models.LR);
            xShape = RawDjlLoop.batchShape(w);
            step = backend.compile("train", Device.cpu(), trainingStep(model, adam, plainLoss));
        }

        @Override
        public Block steps(int n) {
            return Block.timed(n, () -> {
                int b = s++ % w.batches;
                adam.beginStep();
                return step.run(Map.of("x", HostArray.of(w.xs[b], xShape), "y", HostArray.of(w.ys[b], Workload.BATCH)))
                        .get("loss").item();
            });
        }

        @Override
        public void close() {
            step.close();
            adam.releaseState();
            model.toHost();
            backend.close();
        }
    }
}
