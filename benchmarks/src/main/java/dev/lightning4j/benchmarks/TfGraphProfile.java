package dev.lightning4j.benchmarks;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.Backends;
import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.optim.Adam;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensorflow.TfStepStats;
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
                try (CompiledStep step = backend.compile("train", Device.cpu(), ApiStepLoop.trainingStep(model, adam))) {
                    Map<String, HostArray> in = Map.of("x", HostArray.of(w.xs[0], RawDjlLoop.batchShape(w)),
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
