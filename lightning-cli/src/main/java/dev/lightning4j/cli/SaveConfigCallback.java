package dev.lightning4j.cli;

import dev.lightning4j.callbacks.Callback;
import dev.lightning4j.core.LightningModule;
import dev.lightning4j.core.Stage;
import dev.lightning4j.io.AtomicFiles;
import dev.lightning4j.loggers.Logger;
import dev.lightning4j.trainer.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Writes the effective configuration as {@code config.yaml} into the run's log directory (the
 * first logger's), as LightningCLI's {@code SaveConfigCallback}: the run can be repeated with
 * {@code lightning fit --config <logDir>/config.yaml}. Written atomically when the stage is set up,
 * so a crash mid-run still leaves the configuration beside the logs and checkpoints.
 */
public final class SaveConfigCallback implements Callback {
    /** The file name inside the log directory. */
    public static final String FILE = "config.yaml";

    private final String yaml;
    private Path saved;

    /** Saves {@code yaml} (the effective configuration). */
    public SaveConfigCallback(String yaml) {
        this.yaml = yaml;
    }

    @Override
    public void setup(Trainer trainer, LightningModule module, Stage stage) {
        if (saved != null || trainer.loggers().isEmpty()) {
            return; // no logger (logger: false, fast_dev_run): there is no run directory to put it in
        }
        Logger first = trainer.loggers().get(0);
        Path target = first.logDir().resolve(FILE);
        try {
            AtomicFiles.writeString(target, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the configuration to " + target, e);
        }
        saved = target;
    }

    /** Where the configuration was saved, or null when the run had no logger. */
    public Path savedTo() {
        return saved;
    }

    @Override
    public String stateKey() {
        return "SaveConfigCallback";
    }
}
