package dev.lightning4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Optimization;
import dev.lightning4j.data.Batch;
import dev.lightning4j.data.DataLoader;
import dev.lightning4j.data.TensorDataset;
import dev.lightning4j.metrics.AUROC;
import dev.lightning4j.metrics.Accuracy;
import dev.lightning4j.metrics.Average;
import dev.lightning4j.metrics.ConfusionMatrix;
import dev.lightning4j.metrics.F1Score;
import dev.lightning4j.metrics.MeanAbsoluteError;
import dev.lightning4j.metrics.MeanSquaredError;
import dev.lightning4j.metrics.Precision;
import dev.lightning4j.metrics.R2Score;
import dev.lightning4j.metrics.Recall;
import dev.lightning4j.metrics.RootMeanSquaredError;
import dev.lightning4j.metrics.ScoreType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Tensor;
import dev.lightning4j.testkit.ForEachBackend;
import dev.lightning4j.trainer.Trainer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;

/**
 * Every metric logged from {@code validationStep} through {@code Trainer.validate}, on every engine:
 * the epoch values must equal a plain host computation over the whole data set. The data come in
 * batches of 32 with a short last batch (so TensorFlow traces an unknown batch size, and a mean of
 * per-batch values would differ from the accumulated one).
 */
class MetricsOnEnginesTest {
    private static final int N = 150;
    private static final int BATCH = 32;
    private static final int C = 4;

    /** Batch fields: binary probabilities and 0/1 labels, multiclass logits and labels, regression pairs. */
    private static final float[] PROB = new float[N];
    private static final float[] BIN = new float[N];
    private static final float[] LOGITS = new float[N * C];
    private static final long[] LABEL = new long[N];
    private static final float[] YHAT = new float[N];
    private static final float[] Y = new float[N];

    static {
        Random rnd = new Random(17);
        for (int i = 0; i < N; i++) {
            BIN[i] = rnd.nextInt(5) < 2 ? 1 : 0;
            // Rounded to 0.05 so there are many tied scores across batches.
            PROB[i] = Math.round(Math.min(1, Math.max(0, 0.35 + 0.3 * BIN[i] + 0.25 * rnd.nextGaussian())) * 20) / 20f;
            // Class 3 never occurs as a target and is predicted a few times; class 2 is rare.
            LABEL[i] = rnd.nextInt(10) < 1 ? 2 : rnd.nextInt(2);
            for (int c = 0; c < C; c++) {
                LOGITS[i * C + c] = (float) (rnd.nextGaussian() + (c == LABEL[i] ? 1.2 : 0) + (c == 3 ? -0.8 : 0));
            }
            Y[i] = (float) (3 + 2 * rnd.nextGaussian());
            YHAT[i] = (float) (Y[i] + 0.8 * rnd.nextGaussian());
        }
    }

    private static DataLoader loader() {
        Map<String, HostArray> f = new LinkedHashMap<>();
        f.put("prob", HostArray.of(PROB, N));
        f.put("bin", HostArray.of(BIN, N, 1)); // [N, 1] against [N] predictions
        f.put("logits", HostArray.of(LOGITS, N, C));
        f.put("label", HostArray.of(LABEL, N));
        f.put("yhat", HostArray.of(YHAT, N, 1));
        f.put("y", HostArray.of(Y, N, 1));
        return DataLoader.builder(new TensorDataset(f)).batchSize(BATCH).build();
    }

    /** A module without parameters whose "predictions" are batch fields, so the metric path alone is tested. */
    static final class Logging extends LightningModule {
        final Accuracy binaryAcc = Accuracy.binary();
        final Accuracy logitAcc = Accuracy.binary(ScoreType.LOGITS, 0.6);
        final Precision binaryPrecision = Precision.binary();
        final Recall binaryRecall = Recall.binary();
        final F1Score binaryF1 = F1Score.binary();
        final AUROC auroc = new AUROC();
        final Accuracy acc = Accuracy.multiclass(C);
        final Accuracy macroAcc = Accuracy.multiclass(C, Average.MACRO, 1);
        final Accuracy top2 = Accuracy.multiclass(C, Average.MICRO, 2);
        final Precision macroPrecision = Precision.multiclass(C, Average.MACRO);
        final Recall macroRecall = Recall.multiclass(C, Average.MACRO);
        final F1Score macroF1 = F1Score.multiclass(C, Average.MACRO);
        final F1Score microF1 = F1Score.multiclass(C, Average.MICRO);
        final ConfusionMatrix confusion = ConfusionMatrix.multiclass(C);
        final MeanAbsoluteError mae = new MeanAbsoluteError();
        final MeanSquaredError mse = new MeanSquaredError();
        final RootMeanSquaredError rmse = new RootMeanSquaredError();
        final R2Score r2 = new R2Score();

        @Override
        public Tensor forward(Tensor x) {
            return x;
        }

        @Override
        public Tensor trainingStep(Batch batch, int batchIdx) {
            throw new UnsupportedOperationException("only validated");
        }

        @Override
        public void validationStep(Batch batch, int batchIdx) {
            Tensor prob = batch.get("prob");
            Tensor bin = batch.get("bin");
            Tensor logits = batch.get("logits");
            Tensor label = batch.get("label");
            log("bin_acc", binaryAcc.update(prob, bin));
            // Logits with threshold 0.6: x > log(0.6 / 0.4); the probabilities stand in for logits here.
            log("logit_acc", logitAcc.update(prob.sub(0.1), bin));
            log("bin_precision", binaryPrecision.update(prob, bin));
            log("bin_recall", binaryRecall.update(prob, bin));
            log("bin_f1", binaryF1.update(prob, bin));
            log("auroc", auroc.update(prob, bin));
            log("acc", acc.update(logits, label));
            log("macro_acc", macroAcc.update(logits, label));
            log("top2", top2.update(logits, label));
            log("macro_precision", macroPrecision.update(logits, label));
            log("macro_recall", macroRecall.update(logits, label));
            log("macro_f1", macroF1.update(logits, label));
            log("micro_f1", microF1.update(logits, label));
            log("confusion", confusion.update(logits, label));
            log("mae", mae.update(batch.get("yhat"), batch.get("y")));
            log("mse", mse.update(batch.get("yhat"), batch.get("y")));
            log("rmse", rmse.update(batch.get("yhat").reshape(-1), batch.get("y")));
            log("r2", r2.update(batch.get("yhat"), batch.get("y")));
        }

        @Override
        public Optimization configureOptimizers() {
            throw new UnsupportedOperationException("only validated");
        }
    }

    @ForEachBackend
    void epochValuesEqualAHostComputationOverAllBatches(String backend) {
        Logging model = new Logging();
        Map<String, Double> out;
        try (Trainer trainer = Trainer.builder().backend(backend).enableProgressBar(false).enableSummary(false)
                .enableLogger(false).build()) {
            out = trainer.validate(model, loader());
        }
        double eps = 1e-9;

        // Binary, threshold 0.5 on probabilities.
        long tp = 0;
        long fp = 0;
        long fn = 0;
        long correct = 0;
        long logitCorrect = 0;
        double cut = Math.log(0.6 / 0.4);
        for (int i = 0; i < N; i++) {
            boolean p = PROB[i] > 0.5f;
            boolean t = BIN[i] == 1;
            tp += p && t ? 1 : 0;
            fp += p && !t ? 1 : 0;
            fn += !p && t ? 1 : 0;
            correct += p == t ? 1 : 0;
            logitCorrect += ((PROB[i] - 0.1f) > cut) == t ? 1 : 0;
        }
        assertThat(out.get("bin_acc")).isCloseTo((double) correct / N, within(eps));
        assertThat(out.get("logit_acc")).isCloseTo((double) logitCorrect / N, within(eps));
        assertThat(out.get("bin_precision")).isCloseTo((double) tp / (tp + fp), within(eps));
        assertThat(out.get("bin_recall")).isCloseTo((double) tp / (tp + fn), within(eps));
        assertThat(out.get("bin_f1")).isCloseTo(2.0 * tp / (2 * tp + fp + fn), within(eps));

        // AUROC by counting pairs, ties one half.
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                if (BIN[i] == 1 && BIN[j] == 0) {
                    pairs++;
                    wins += PROB[i] > PROB[j] ? 1 : PROB[i] == PROB[j] ? 0.5 : 0;
                }
            }
        }
        assertThat(out.get("auroc")).isCloseTo(wins / pairs, within(eps));
        assertThat(model.auroc.examples()).isEqualTo(N);

        // Multiclass.
        long[][] cm = new long[C][C];
        long top2Correct = 0;
        for (int i = 0; i < N; i++) {
            int best = 0;
            int higher = 0;
            for (int c = 0; c < C; c++) {
                if (LOGITS[i * C + c] > LOGITS[i * C + best]) {
                    best = c;
                }
                if (LOGITS[i * C + c] > LOGITS[i * C + (int) LABEL[i]]) {
                    higher++;
                }
            }
            cm[(int) LABEL[i]][best]++;
            top2Correct += higher < 2 ? 1 : 0;
        }
        assertThat(model.confusion.matrix()).isEqualTo(cm);
        long diag = 0;
        double precisionSum = 0;
        double recallSum = 0;
        double f1Sum = 0;
        int present = 0;
        for (int c = 0; c < C; c++) {
            long classTp = cm[c][c];
            long predicted = 0;
            long actual = 0;
            for (int k = 0; k < C; k++) {
                predicted += cm[k][c];
                actual += cm[c][k];
            }
            diag += classTp;
            if (predicted + actual > 0) {
                present++;
                precisionSum += predicted == 0 ? 0 : (double) classTp / predicted;
                recallSum += actual == 0 ? 0 : (double) classTp / actual;
                f1Sum += 2.0 * classTp / (predicted + actual);
            }
        }
        assertThat(present).as("class 3 is predicted but never a target").isEqualTo(4);
        assertThat(out.get("acc")).isCloseTo((double) diag / N, within(eps));
        assertThat(out.get("confusion")).isCloseTo((double) diag / N, within(eps));
        assertThat(out.get("micro_f1")).isCloseTo((double) diag / N, within(eps));
        assertThat(out.get("top2")).isCloseTo((double) top2Correct / N, within(eps));
        assertThat(out.get("macro_acc")).isCloseTo(recallSum / present, within(eps));
        assertThat(out.get("macro_precision")).isCloseTo(precisionSum / present, within(eps));
        assertThat(out.get("macro_recall")).isCloseTo(recallSum / present, within(eps));
        assertThat(out.get("macro_f1")).isCloseTo(f1Sum / present, within(eps));

        // Regression.
        double abs = 0;
        double sq = 0;
        double mean = 0;
        for (int i = 0; i < N; i++) {
            abs += Math.abs((double) YHAT[i] - Y[i]);
            sq += ((double) YHAT[i] - Y[i]) * ((double) YHAT[i] - Y[i]);
            mean += Y[i];
        }
        mean /= N;
        double ssTot = 0;
        for (int i = 0; i < N; i++) {
            ssTot += (Y[i] - mean) * (Y[i] - mean);
        }
        assertThat(out.get("mae")).isCloseTo(abs / N, within(1e-9));
        assertThat(out.get("mse")).isCloseTo(sq / N, within(1e-9));
        assertThat(out.get("rmse")).isCloseTo(Math.sqrt(sq / N), within(1e-9));
        assertThat(out.get("r2")).isCloseTo(1 - sq / ssTot, within(1e-9));
    }

    @ForEachBackend
    void aSecondRunStartsFromZero(String backend) {
        Logging model = new Logging();
        try (Trainer trainer = Trainer.builder().backend(backend).enableProgressBar(false).enableSummary(false)
                .enableLogger(false).build()) {
            Map<String, Double> first = trainer.validate(model, loader());
            Map<String, Double> second = trainer.validate(model, loader());
            assertThat(second.get("acc")).isEqualTo(first.get("acc"));
            assertThat(second.get("auroc")).isEqualTo(first.get("auroc"));
            assertThat(model.auroc.examples()).isEqualTo(N);
        }
    }

    /** A module that logs one metric update built by {@code step} from the batch. */
    private static LightningModule logging(BiConsumer<LightningModule, Batch> step) {
        return new LightningModule() {
            @Override
            public Tensor forward(Tensor x) {
                return x;
            }

            @Override
            public Tensor trainingStep(Batch batch, int batchIdx) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void validationStep(Batch batch, int batchIdx) {
                step.accept(this, batch);
            }

            @Override
            public Optimization configureOptimizers() {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static void logFrom(LightningModule m, String name, dev.lightning4j.metrics.Metric.Update u) {
        try {
            java.lang.reflect.Method log = LightningModule.class.getDeclaredMethod("log", String.class,
                    dev.lightning4j.metrics.Metric.Update.class);
            log.setAccessible(true);
            log.invoke(m, name, u);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw (RuntimeException) e.getCause();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @ForEachBackend
    void wrongShapesAndDtypesNameTheMetricAndTheShapes(String backend) {
        try (Trainer trainer = Trainer.builder().backend(backend).enableProgressBar(false).enableSummary(false)
                .enableLogger(false).build()) {
            assertThatThrownBy(() -> trainer.validate(logging((m, b) -> logFrom(m, "acc",
                    Accuracy.multiclass(5).update(b.get("logits"), b.get("label")))), loader()))
                    .hasStackTraceContaining("Accuracy: preds [")
                    .hasStackTraceContaining(", 4] FLOAT32")
                    .hasStackTraceContaining("expected scores [N, 5]");
            assertThatThrownBy(() -> trainer.validate(logging((m, b) -> logFrom(m, "f1",
                    F1Score.multiclass(C, Average.MACRO).update(b.get("logits"), b.get("prob")))), loader()))
                    .hasStackTraceContaining("F1Score: targets must be integer class indices");
            assertThatThrownBy(() -> trainer.validate(logging((m, b) -> logFrom(m, "auroc",
                    new AUROC().update(b.get("logits"), b.get("bin")))), loader()))
                    .hasStackTraceContaining("AUROC: preds [")
                    .hasStackTraceContaining("expected binary scores and 0/1 targets of the same shape");
            assertThatThrownBy(() -> trainer.validate(logging((m, b) -> logFrom(m, "mae",
                    new MeanAbsoluteError().update(b.get("label"), b.get("y")))), loader()))
                    .hasStackTraceContaining("MeanAbsoluteError: expected floating-point predictions");
            // Labels out of range are only visible in the data: the host reports them after the step.
            assertThatThrownBy(() -> trainer.validate(logging((m, b) -> logFrom(m, "precision",
                    Precision.multiclass(2, Average.MICRO).update(b.get("label"), b.get("label")))), loader()))
                    .hasStackTraceContaining("Precision: ")
                    .hasStackTraceContaining("outside [0, 2)");
        }
    }
}
