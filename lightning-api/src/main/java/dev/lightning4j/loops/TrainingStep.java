package dev.lightning4j.loops;

import dev.lightning4j.backend.Gradients;
import dev.lightning4j.backend.StepContext;
import dev.lightning4j.backend.StepFunction;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.RunningStage;
import dev.lightning4j.core.StepLog;
import dev.lightning4j.data.Batch;
import dev.lightning4j.nn.Parameter;
import dev.lightning4j.optim.Optimizer;
import dev.lightning4j.strategies.GradientSynchronizer;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import dev.lightning4j.trainer.TrainerConfig;
import dev.lightning4j.trainer.TrainerConfig.ClipAlgorithm;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One training step, engine-neutral: the module's loss, its gradients, optional accumulation and
 * clipping, and the optimizer update. Backends run it eagerly or trace it once; only the gradient
 * mechanism differs between them.
 *
 * <p>With gradient accumulation there are two variants: one that only adds this batch's
 * gradients (scaled by 1/N, as Lightning scales the loss) to accumulators, and one that also
 * updates the parameters and clears the accumulators.
 */
final class TrainingStep implements StepFunction {
    /** The total gradient L2 norm before clipping, output when clipping by norm or detecting anomalies. */
    static final String GRAD_NORM = "grad_norm";

    private final LightningModule model;
    private final Optimizer optimizer;
    private final TrainerConfig config;
    private final boolean update;
    private final List<Parameter> params;
    private final List<Variable> variables;
    private final List<Variable> accumulators;
    /** Averages gradients across ranks under data parallelism; null in a single process. */
    private final GradientSynchronizer synchronizer;
    private volatile LoggedOutputs logged = LoggedOutputs.NONE;
    volatile int batchIdx;

    TrainingStep(LightningModule model, Optimizer optimizer, TrainerConfig config, boolean update, List<Variable> accumulators) {
        this(model, optimizer, config, update, accumulators, null);
    }

    TrainingStep(LightningModule model, Optimizer optimizer, TrainerConfig config, boolean update, List<Variable> accumulators,
                 GradientSynchronizer synchronizer) {
        this.synchronizer = synchronizer;
        this.model = model;
        this.optimizer = optimizer;
        this.config = config;
        this.update = update;
        this.params = model.parameters();
        this.variables = params.stream().map(Parameter::variable).toList();
        this.accumulators = accumulators;
    }

    /** Zero-initialised accumulators, one per trainable parameter, when accumulating over several batches. */
    static List<Variable> newAccumulators(LightningModule model, int accumulate) {
        List<Variable> out = new ArrayList<>();
        if (accumulate > 1) {
            for (Parameter p : model.parameters()) {
                out.add(p.backend().newVariable("grad_accumulator", HostArray.zeros(p.dtype(), p.shape()), false,
                        p.variable().read().device()));
            }
        }
        return out;
    }

    @Override
    public Map<String, Tensor> apply(StepContext ctx, Map<String, Tensor> inputs) {
        Batch batch = new Batch(inputs);
        StepLog log = new StepLog(RunningStage.TRAINING);
        int idx = batchIdx;
        int n = config.accumulateGradBatches();
        Tensor[] userLoss = new Tensor[1];
        Gradients g = log.capture(model, () -> ctx.valueAndGrad(() -> {
            userLoss[0] = checkedLoss(model.trainingStep(batch, idx));
            return n == 1 ? userLoss[0] : userLoss[0].div(n);
        }, variables));
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(StepOutputs.LOSS, userLoss[0]);

        List<Tensor> grads = new ArrayList<>(g.grads());
        if (!accumulators.isEmpty()) {
            for (int i = 0; i < grads.size(); i++) {
                Tensor sum = Tensor.wrap(userLoss[0].backend(), accumulators.get(i).read()).add(grads.get(i));
                if (update) {
                    grads.set(i, sum);
                    accumulators.get(i).assign(sum.zerosLike().nativeTensor());
                } else {
                    accumulators.get(i).assign(sum.nativeTensor());
                }
            }
        }
        if (update && synchronizer != null) {
            // DDP: average over ranks once per optimizer step (accumulating steps stay local, like
            // Lightning's no_sync), before clipping, so every rank clips and updates identically.
            grads = new ArrayList<>(synchronizer.average(ctx, grads));
        }
        if (update) {
            boolean clipNorm = config.gradientClipVal() > 0 && config.gradientClipAlgorithm() == ClipAlgorithm.NORM;
            if (clipNorm || config.detectAnomaly()) {
                Tensor norm = totalNorm(grads);
                out.put(GRAD_NORM, norm);
                if (clipNorm) {
                    // torch.nn.utils.clip_grad_norm_: scale by min(max_norm / (norm + 1e-6), 1).
                    Tensor denominator = norm.add(1e-6);
                    Tensor coef = denominator.fullLike(config.gradientClipVal()).div(denominator).clampMax(1.0);
                    grads.replaceAll(t -> t.mul(coef));
                }
            }
            if (config.gradientClipVal() > 0 && config.gradientClipAlgorithm() == ClipAlgorithm.VALUE) {
                double v = config.gradientClipVal();
                grads.replaceAll(t -> t.clamp(-v, v));
            }
            Map<Parameter, Tensor> byParam = new IdentityHashMap<>();
            for (int i = 0; i < params.size(); i++) {
                byParam.put(params.get(i), grads.get(i));
            }
            optimizer.step(ctx, byParam);
        }
        logged = LoggedOutputs.collect(log, out, false);
        return out;
    }

    private static Tensor totalNorm(List<Tensor> grads) {
        Tensor sumSq = null;
        for (Tensor t : grads) {
            Tensor s = t.square().sum();
            sumSq = sumSq == null ? s : sumSq.add(s);
        }
        return sumSq.sqrt();
    }

    private Tensor checkedLoss(Tensor loss) {
        if (loss == null) {
            throw new IllegalStateException(model.getClass().getSimpleName()
                    + ".trainingStep returned null; return the loss tensor");
        }
        if (loss.shape().numel() != 1) {
            throw new IllegalStateException(model.getClass().getSimpleName()
                    + ".trainingStep must return a scalar loss, got shape " + loss.shape() + "; reduce it, e.g. with mean()");
        }
        return loss.rank() == 0 ? loss : loss.reshape();
    }

    /** What the most recent call logged (on a traced engine: the trace). */
    LoggedOutputs logged() {
        return logged;
    }
}
