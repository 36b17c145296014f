package dev.lightning4j.examples.weather;

import dev.lightning4j.core.Lightning;
import dev.lightning4j.core.Stage;
import dev.lightning4j.examples.Args;
import dev.lightning4j.trainer.Trainer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Trains the next-day maximum temperature forecaster (an LSTM over the previous 14 days, Seattle
 * and New York) on {@code weather.csv} and compares its 2015 test MAE with persistence and
 * climatology on the same test days.
 *
 * <p>Arguments (all optional): {@code --backend=pytorch|tensorflow --epochs=N --hidden=H --lr=X
 * --seed=S --data=path/to/weather.csv}. Without {@code --backend}, {@code -Dlightning.backend} or
 * {@code LIGHTNING_BACKEND} decide, else pytorch.
 */
public final class WeatherForecastApp {
    /** Days of history per forecast. */
    public static final int WINDOW = 14;

    private WeatherForecastApp() {
    }

    /**
     * What a run reports; errors in °C on the 2015 test days.
     *
     * @param backend         the engine's name
     * @param splitSizes      train, validation and test windows
     * @param modelMae        the model's test MAE
     * @param modelRmse       the model's test RMSE
     * @param persistenceMae  MAE of "tomorrow as today"
     * @param climatologyMae  MAE of the training years' mean for the day of year
     */
    public record Result(String backend, int[] splitSizes, double modelMae, double modelRmse, double persistenceMae,
                         double climatologyMae) {
    }

    /** The options of a run. */
    public record Options(String backend, int epochs, int hidden, double learningRate, long seed, Path data, boolean quiet) {
        /** The defaults the README's results come from. */
        public static Options defaults(String backend) {
            return new Options(backend, 20, 32, 3e-3, 42, null, false);
        }
    }

    /** Runs the example. */
    public static void main(String[] args) {
        Map<String, String> opts = Args.parse(args, "backend", "epochs", "hidden", "lr", "data", "seed");
        Options d = Options.defaults(opts.get("backend"));
        Result r = run(new Options(d.backend(),
                Integer.parseInt(opts.getOrDefault("epochs", String.valueOf(d.epochs()))),
                Integer.parseInt(opts.getOrDefault("hidden", String.valueOf(d.hidden()))),
                Double.parseDouble(opts.getOrDefault("lr", String.valueOf(d.learningRate()))),
                Long.parseLong(opts.getOrDefault("seed", String.valueOf(d.seed()))),
                opts.containsKey("data") ? Path.of(opts.get("data")) : null, false));
        System.out.printf("Test MAE 2015 (°C) on %s: model %.3f | persistence %.3f | climatology %.3f (model RMSE %.3f)%n",
                r.backend(), r.modelMae(), r.persistenceMae(), r.climatologyMae(), r.modelRmse());
    }

    /** Trains with validation on 2014, then tests on 2015. */
    public static Result run(Options o) {
        WeatherData data = o.data() != null ? WeatherData.read(o.data()) : WeatherData.bundled();
        Lightning.seedEverything(o.seed());
        WeatherDataModule dm = new WeatherDataModule(data, WINDOW, 64);
        dm.setup(Stage.FIT);
        WeatherForecaster model = new WeatherForecaster(WeatherDataModule.FEATURES, o.hidden(), dm.targetStd(), o.learningRate());
        Trainer.Builder builder = Trainer.builder().backend(o.backend()).maxEpochs(o.epochs()).seed(o.seed());
        if (o.quiet()) {
            builder.enableProgressBar(false).enableSummary(false).enableLogger(false).enableCheckpointing(false);
        }
        try (Trainer trainer = builder.build()) {
            int[] sizes = dm.splitSizes();
            if (!o.quiet()) {
                System.out.printf("Weather forecaster on %s: %d train / %d val / %d test windows, %d parameters%n",
                        trainer.backend().name(), sizes[0], sizes[1], sizes[2], model.numParameters());
            }
            trainer.fit(model, dm);
            Map<String, Double> test = trainer.test(model, dm);
            return new Result(trainer.backend().name(), sizes, test.get("test_mae_c"), test.get("test_rmse_c"),
                    dm.persistenceTestMae(), dm.climatologyTestMae());
        }
    }
}
