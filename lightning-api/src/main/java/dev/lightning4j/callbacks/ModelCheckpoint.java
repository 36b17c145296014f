package dev.lightning4j.callbacks;

import dev.lightning4j.checkpoint.CheckpointIO;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.data.HostBatch;
import dev.lightning4j.trainer.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Saves checkpoints during fit, as Lightning's {@code ModelCheckpoint}: after each validation run
 * (or at each training epoch's end when there is no validation), every {@code everyNEpochs}
 * epochs or every {@code everyNTrainSteps} steps; keeps the {@code saveTopK} best by
 * {@code monitor} (or only the latest when nothing is monitored), and optionally {@code last.ckpt}.
 * File names come from a template such as {@code "{epoch}-{val_loss:.2f}"}, which renders as
 * {@code epoch=3-val_loss=0.12.ckpt}.
 */
public final class ModelCheckpoint implements Callback {
    /** Whether smaller or larger monitored values are better. */
    public enum Mode { MIN, MAX }

    private static final Pattern FIELD = Pattern.compile("\\{([A-Za-z0-9_/.-]+)(?::([^}]*))?}");

    private Path dirpath;
    private String filename = "{epoch}-{step}";
    private String monitor;
    private Mode mode = Mode.MIN;
    private int saveTopK = 1;
    private boolean saveLast;
    private int everyNEpochs = 1;
    private int everyNTrainSteps;
    private final List<Saved> kept = new ArrayList<>();
    private Path bestModelPath;
    private double bestModelScore = Double.NaN;
    private Path lastModelPath;
    private long lastSavedStep = -1;

    private record Saved(Path path, double score) {
    }

    /** Checkpoints with Lightning's defaults: the latest epoch, under the logger's directory. */
    public ModelCheckpoint() {
    }

    /** The directory (default: {@code <logger dir>/checkpoints}, else {@code <defaultRootDir>/checkpoints}). */
    public ModelCheckpoint dirpath(Path dir) {
        this.dirpath = dir;
        return this;
    }

    /** The file-name template without {@code .ckpt}, e.g. {@code "{epoch}-{val_loss:.3f}"}. */
    public ModelCheckpoint filename(String template) {
        this.filename = template;
        return this;
    }

    /** The metric that ranks checkpoints. */
    public ModelCheckpoint monitor(String metric) {
        this.monitor = metric;
        return this;
    }

    /** {@code MIN} (default) or {@code MAX}. */
    public ModelCheckpoint mode(Mode m) {
        this.mode = m;
        return this;
    }

    /** How many best checkpoints to keep (-1: all, 0: none). */
    public ModelCheckpoint saveTopK(int k) {
        if (k < -1) {
            throw new IllegalArgumentException("ModelCheckpoint saveTopK must be >= -1, got " + k);
        }
        this.saveTopK = k;
        return this;
    }

    /** Also keep {@code last.ckpt}, the most recent state. */
    public ModelCheckpoint saveLast(boolean on) {
        this.saveLast = on;
        return this;
    }

    /** Save every n epochs (default 1). */
    public ModelCheckpoint everyNEpochs(int n) {
        this.everyNEpochs = n;
        return this;
    }

    /** Save every n training steps instead of per epoch. */
    public ModelCheckpoint everyNTrainSteps(int n) {
        this.everyNTrainSteps = n;
        return this;
    }

    /** The best checkpoint so far, or null. */
    public Path bestModelPath() {
        return bestModelPath;
    }

    /** Its monitored value, or NaN. */
    public double bestModelScore() {
        return bestModelScore;
    }

    /** The most recently saved checkpoint, or null. */
    public Path lastModelPath() {
        return lastModelPath;
    }

    /** The checkpoints kept, best first when monitoring. */
    public List<Path> keptPaths() {
        return kept.stream().map(Saved::path).toList();
    }

    /** Where {@code last.ckpt} lives for {@code trainer}. */
    public Path lastCheckpointPath(Trainer trainer) {
        return directory(trainer).resolve("last" + CheckpointIO.SUFFIX);
    }

    /** The directory checkpoints go to for {@code trainer}. */
    public Path directory(Trainer trainer) {
        if (dirpath != null) {
            return dirpath;
        }
        if (!trainer.loggers().isEmpty()) {
            return trainer.loggers().get(0).logDir().resolve("checkpoints");
        }
        return trainer.config().defaultRootDir().resolve("checkpoints");
    }

    @Override
    public String stateKey() {
        return "ModelCheckpoint{monitor=" + monitor + ", mode=" + mode.name().toLowerCase(Locale.ROOT)
                + ", every_n_train_steps=" + everyNTrainSteps + ", every_n_epochs=" + everyNEpochs + "}";
    }

    @Override
    public void onTrainBatchEnd(Trainer trainer, LightningModule module, Map<String, Double> metrics, HostBatch batch, int batchIdx) {
        if (everyNTrainSteps > 0 && trainer.globalStep() % everyNTrainSteps == 0) {
            save(trainer, module);
        }
    }

    @Override
    public void onValidationEnd(Trainer trainer, LightningModule module) {
        if (!trainer.state().sanityChecking() && everyNTrainSteps == 0 && trainer.activeFit() != null && epochDue(trainer)) {
            save(trainer, module);
        }
    }

    @Override
    public void onTrainEpochEnd(Trainer trainer, LightningModule module) {
        // With validation, onValidationEnd already saved this epoch; this covers fits without it.
        if (everyNTrainSteps == 0 && epochDue(trainer) && lastSavedStep != trainer.globalStep()) {
            save(trainer, module);
        }
    }

    private boolean epochDue(Trainer trainer) {
        return (trainer.currentEpoch() + 1) % everyNEpochs == 0;
    }

    private void save(Trainer trainer, LightningModule module) {
        if (!trainer.strategy().isGlobalZero()) {
            return;
        }
        lastSavedStep = trainer.globalStep();
        Path dir = directory(trainer);
        Double score = monitor == null ? null : trainer.callbackMetrics().get(monitor);
        if (monitor != null && score == null) {
            throw new IllegalStateException("ModelCheckpoint monitors '" + monitor + "', which was not logged; "
                    + "available metrics: " + trainer.callbackMetrics().keySet());
        }
        if (saveTopK != 0) {
            Path path = dir.resolve(format(filename, trainer) + CheckpointIO.SUFFIX);
            if (monitor == null) {
                trainer.saveCheckpoint(path);
                Path previous = lastModelPath;
                if (saveTopK == 1 && previous != null && !previous.equals(path)) {
                    delete(previous);
                }
                kept.removeIf(s -> saveTopK == 1);
                kept.add(new Saved(path, Double.NaN));
                bestModelPath = path;
            } else if (isTopK(score)) {
                trainer.saveCheckpoint(path);
                kept.removeIf(s -> s.path().equals(path));
                kept.add(new Saved(path, score));
                kept.sort(order());
                while (saveTopK > 0 && kept.size() > saveTopK) {
                    delete(kept.remove(kept.size() - 1).path());
                }
                bestModelPath = kept.get(0).path();
                bestModelScore = kept.get(0).score();
            }
            lastModelPath = path;
        }
        if (saveLast) {
            trainer.saveCheckpoint(lastCheckpointPath(trainer));
        }
    }

    private Comparator<Saved> order() {
        Comparator<Saved> byScore = Comparator.comparingDouble(Saved::score);
        return mode == Mode.MIN ? byScore : byScore.reversed();
    }

    private boolean isTopK(double score) {
        if (Double.isNaN(score)) {
            return false;
        }
        if (saveTopK < 0 || kept.size() < saveTopK) {
            return true;
        }
        double worst = kept.get(kept.size() - 1).score();
        return mode == Mode.MIN ? score < worst : score > worst;
    }

    private static void delete(Path path) {
        try {
            CheckpointIO.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete old checkpoint " + path, e);
        }
    }

    /** Renders a file-name template with {@code epoch}, {@code step} and any metric. */
    static String format(String template, Trainer trainer) {
        Matcher m = FIELD.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String spec = m.group(2);
            String value;
            if (key.equals("epoch")) {
                value = Integer.toString(trainer.currentEpoch());
            } else if (key.equals("step")) {
                value = Long.toString(trainer.globalStep());
            } else {
                Double v = trainer.callbackMetrics().get(key);
                if (v == null) {
                    throw new IllegalStateException("ModelCheckpoint filename '" + template + "' uses '" + key
                            + "', which was not logged; available metrics: " + trainer.callbackMetrics().keySet());
                }
                value = spec == null ? Double.toString(v) : String.format(Locale.ROOT, "%" + spec, v);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(key.replace('/', '_') + "=" + value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("monitor", monitor == null ? "" : monitor);
        s.put("best_model_score", bestModelScore);
        s.put("best_model_path", bestModelPath == null ? "" : bestModelPath.toString());
        s.put("last_model_path", lastModelPath == null ? "" : lastModelPath.toString());
        List<Object> k = new ArrayList<>();
        for (Saved saved : kept) {
            k.add(List.of(saved.path().toString(), saved.score()));
        }
        s.put("best_k_models", k);
        return s;
    }

    @Override
    public void loadStateDict(Map<String, Object> state) {
        bestModelScore = ((Number) state.get("best_model_score")).doubleValue();
        String best = (String) state.get("best_model_path");
        bestModelPath = best.isEmpty() ? null : Path.of(best);
        String last = (String) state.get("last_model_path");
        lastModelPath = last.isEmpty() ? null : Path.of(last);
        kept.clear();
        for (Object o : (List<?>) state.get("best_k_models")) {
            List<?> pair = (List<?>) o;
            kept.add(new Saved(Path.of((String) pair.get(0)), ((Number) pair.get(1)).doubleValue()));
        }
    }
}
