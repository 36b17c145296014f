package dev.lightning4j.callbacks;

import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.RunningStage;
import dev.lightning4j.trainer.Trainer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Measures the time spent in each stage and stops training once a duration has passed, as
 * Lightning's {@code Timer}.
 */
public final class Timer implements Callback {
    private final Duration duration;
    private final Map<RunningStage, Long> starts = new EnumMap<>(RunningStage.class);
    private final Map<RunningStage, Long> elapsed = new EnumMap<>(RunningStage.class);

    /** Stops training after {@code duration} (null: only measure). */
    public Timer(Duration duration) {
        this.duration = duration;
    }

    /** The total time spent in {@code stage} so far. */
    public Duration timeElapsed(RunningStage stage) {
        long total = elapsed.getOrDefault(stage, 0L);
        Long start = starts.get(stage);
        if (start != null) {
            total += System.nanoTime() - start;
        }
        return Duration.ofNanos(total);
    }

    private void begin(RunningStage s) {
        starts.put(s, System.nanoTime());
    }

    private void finish(RunningStage s) {
        Long start = starts.remove(s);
        if (start != null) {
            elapsed.merge(s, System.nanoTime() - start, Long::sum);
        }
    }

    @Override public void onTrainStart(Trainer t, LightningModule m) { begin(RunningStage.TRAINING); }

    @Override public void onTrainEnd(Trainer t, LightningModule m) { finish(RunningStage.TRAINING); }

    @Override public void onValidationStart(Trainer t, LightningModule m) { begin(RunningStage.VALIDATING); }

    @Override public void onValidationEnd(Trainer t, LightningModule m) { finish(RunningStage.VALIDATING); }

    @Override public void onTestStart(Trainer t, LightningModule m) { begin(RunningStage.TESTING); }

    @Override public void onTestEnd(Trainer t, LightningModule m) { finish(RunningStage.TESTING); }

    @Override public void onPredictStart(Trainer t, LightningModule m) { begin(RunningStage.PREDICTING); }

    @Override public void onPredictEnd(Trainer t, LightningModule m) { finish(RunningStage.PREDICTING); }

    @Override
    public void onTrainBatchEnd(Trainer trainer, LightningModule module, Map<String, Double> metrics,
                                dev.lightning4j.data.HostBatch batch, int batchIdx) {
        if (duration != null && timeElapsed(RunningStage.TRAINING).compareTo(duration) >= 0) {
            trainer.state().requestStop();
        }
    }
}
