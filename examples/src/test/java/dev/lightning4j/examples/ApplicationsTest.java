package dev.lightning4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lightning4j.examples.cancer.BreastCancerApp;
import dev.lightning4j.examples.digits.DigitsApp;
import dev.lightning4j.examples.weather.WeatherForecastApp;
import dev.lightning4j.testkit.ForEachBackend;
import java.util.Arrays;

/**
 * Each application's full run, with the settings the README reports, on every engine: the data
 * splits have their sizes, the reported metrics are finite, and the quality claims hold (digits
 * at least 97% test accuracy, the weather model better than persistence and climatology). The
 * runs are small enough (a few seconds each) to be their own smoke tests.
 */
class ApplicationsTest {

    @ForEachBackend
    void breastCancerClassifierSeparatesTheClasses(String backend) {
        BreastCancerApp.Result r = BreastCancerApp.run(backend, 40, 42, true);
        assertThat(r.backend()).isEqualTo(backend);
        assertThat(r.splitSizes()).containsExactly(398, 86, 85);
        assertThat(r.accuracy()).isFinite().isGreaterThanOrEqualTo(0.95);
        assertThat(r.f1()).isFinite().isGreaterThanOrEqualTo(0.93);
        assertThat(r.auroc()).isFinite().isGreaterThanOrEqualTo(0.98).isLessThanOrEqualTo(1.0);
        assertThat(r.loss()).isFinite().isPositive();
    }

    @ForEachBackend
    void digitsCnnReaches97PercentTestAccuracy(String backend) {
        DigitsApp.Result r = DigitsApp.run(backend, 15, 42, true);
        assertThat(r.splitSizes()).containsExactly(1258, 269, 270);
        assertThat(r.accuracy()).isFinite().isGreaterThanOrEqualTo(0.97);
        assertThat(r.f1Macro()).isFinite().isGreaterThanOrEqualTo(0.96);
        long total = Arrays.stream(r.confusion()).flatMapToLong(Arrays::stream).sum();
        long diagonal = 0;
        for (int d = 0; d < 10; d++) {
            diagonal += r.confusion()[d][d];
        }
        assertThat(total).isEqualTo(270);
        assertThat((double) diagonal / total).isEqualTo(r.accuracy(), org.assertj.core.api.Assertions.within(1e-9));
    }

    @ForEachBackend
    void weatherLstmBeatsPersistenceAndClimatology(String backend) {
        WeatherForecastApp.Options d = WeatherForecastApp.Options.defaults(backend);
        WeatherForecastApp.Result r = WeatherForecastApp.run(
                new WeatherForecastApp.Options(backend, d.epochs(), d.hidden(), d.learningRate(), d.seed(), null, true));
        assertThat(r.splitSizes()).containsExactly(1434, 730, 730);
        assertThat(r.modelMae()).isFinite().isLessThan(r.persistenceMae()).isLessThan(r.climatologyMae());
        assertThat(r.modelRmse()).isFinite().isGreaterThanOrEqualTo(r.modelMae());
        assertThat(r.persistenceMae()).isFinite();
        assertThat(r.climatologyMae()).isFinite();
    }
}
