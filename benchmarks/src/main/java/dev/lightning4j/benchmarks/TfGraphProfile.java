package dev.lightning4j.benchmarks;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.Backends;
import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.Gradients;
import dev.lightning4j.nn.Parameter;
import dev.lightning4j.nn.functional.F;
import dev.lightning4j.optim.Adam;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import dev.lightning4j.tensor.Tensor;
import dev.lightning4j.tensorflow.TfStepStats;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Diagnostic: the Trainer's training step for each workload (forward, cross-entropy, gradients and
 * Adam, as {@code TrainingStep} traces it), run on TensorFlow with step statistics, printed as time
 * by op type. Run with {@code -Dbench.mainClass=dev.lightning4j.benchmarks.TfGraphProfile}.
 */
public final class TfGraphProfile {
    private TfGraphProfile() {
    }

    public static void main(String[] args) {
        for (Workload w : List.of(Workload.mlp(4), Workload.cnn(4))) {
            Models.Classifier model = w.model.get();
            try (Backend backend = Backends.create("tensorflow")) {
                model.to(backend, Device.cpu());
                Adam adam = new Adam(model.parameters(), Models.LR);
                List<Parameter> params = model.parameters();
                try (CompiledStep step = backend.compile("train", Device.cpu(), (ctx, in) -> {
                    Gradients g = ctx.valueAndGrad(() -> F.crossEntropy(model.forward(in.get("x")), in.get("y")),
                            params.stream().map(Parameter::variable).toList());
                    Map<Parameter, Tensor> grads = new HashMap<>();
                    for (int i = 0; i < params.size(); i++) {
                        grads.put(params.get(i), g.grads().get(i));
                    }
                    adam.step(ctx, grads);
                    return Map.of("loss", g.value());
                })) {
                    long[] xShape = new long[w.sampleShape.length + 1];
                    xShape[0] = Workload.BATCH;
                    System.arraycopy(w.sampleShape, 0, xShape, 1, w.sampleShape.length);
                    Map<String, HostArray> in = Map.of("x", HostArray.of(w.xs[0], xShape),
                            "y", HostArray.of(w.ys[0], Workload.BATCH));
                    for (int i = 0; i < 30; i++) {
                        adam.beginStep();
                        step.run(in);
                    }
                    System.out.println("# " + w.name + ", Trainer's step on TensorFlow");
                    System.out.println(TfStepStats.profile(step, in, 30));
                }
                adam.releaseState();
                model.toHost();
            }
        }
    }
}
