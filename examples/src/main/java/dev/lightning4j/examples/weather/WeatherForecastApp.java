package dev.lightning4j.examples.weather;

import dev.lightning4j.core.Lightning;
import dev.lightning4j.trainer.Trainer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Trains the next-day maximum temperature forecaster on {@code weather.csv} and compares it with
 * persistence and climatology on the 2015 test days.
 *
 * <p>Arguments (all optional): {@code --backend=pytorch|tensorflow --epochs=N --data=path/to/weather.csv}.
 * Without {@code --backend}, {@code -Dlightning.backend} or {@code LIGHTNING_BACKEND} decide, else pytorch.
 */
public final class WeatherForecastApp {
    private WeatherForecastApp() {
    }

    /** Runs the example. */
    public static void main(String[] args) {
        Map<String, String> opts = Args.parse(args, "backend", "epochs", "data", "seed");
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
        int epochs = Integer.parseInt(opts.getOrDefault("epochs", "20"));
        WeatherData data = opts.containsKey("data") ? WeatherData.read(Path.of(opts.get("data"))) : WeatherData.bundled();

        Lightning.seedEverything(seed);
        WeatherDataModule dm = new WeatherDataModule(data, 14, 64);
        dm.setup(dev.lightning4j.core.Stage.FIT);
        WeatherForecaster model = new WeatherForecaster(14, WeatherDataModule.FEATURES, 64, dm.targetStd(), 1e-3);

        try (Trainer trainer = Trainer.builder()
                .backend(opts.get("backend"))
                .maxEpochs(epochs)
                .seed(seed)
                .build()) {
            int[] sizes = dm.splitSizes();
            System.out.printf("Weather forecaster on %s: %d train / %d val / %d test windows, %d parameters%n",
                    trainer.backend().name(), sizes[0], sizes[1], sizes[2], model.numParameters());
            trainer.fit(model, dm);
            double test = trainer.test(model, dm).get("test_mae_c");
            System.out.printf("Test MAE 2015 (°C): model %.3f | persistence %.3f | climatology %.3f%n",
                    test, dm.persistenceTestMae(), dm.climatologyTestMae());
        }
    }
}
