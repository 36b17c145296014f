package dev.lightning4j.callbacks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The progress line is built by hand for speed; it must read exactly as the String.format it replaced. */
class ProgressBarTest {

    private static String formatted(int epoch, int done, int total, double seconds, Map<String, Double> metrics) {
        double rate = done / Math.max(seconds, 1e-9);
        double eta = (total - done) / Math.max(rate, 1e-9);
        int filled = total == 0 ? 0 : Math.min(20, 20 * done / total);
        StringBuilder m = new StringBuilder();
        metrics.forEach((k, v) -> m.append(", ").append(k).append('=').append(String.format(Locale.ROOT, "%.4g", v)));
        return String.format(Locale.ROOT, "\rEpoch %d: %3d%%|%s%s| %d/%d [%02d:%02d<%02d:%02d, %.1fit/s%s]   ", epoch,
                total == 0 ? 0 : 100 * done / total, "#".repeat(filled), " ".repeat(20 - filled), done, total,
                (long) seconds / 60, (long) seconds % 60, (long) eta / 60, (long) eta % 60, rate, m);
    }

    @Test
    void batchLineMatchesTheFormatString() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("train_loss", 0.6378104);
        metrics.put("acc", 0.99995);
        assertThat(ProgressBar.batchLine(3, 42, 100, 1.23, metrics)).isEqualTo(formatted(3, 42, 100, 1.23, metrics));
        assertThat(ProgressBar.batchLine(0, 1, 0, 0.0, Map.of())).isEqualTo(formatted(0, 1, 0, 0.0, Map.of()));
        assertThat(ProgressBar.batchLine(12, 100, 100, 754.9, Map.of("x", -12.5))).isEqualTo(formatted(12, 100, 100, 754.9, Map.of("x", -12.5)));
    }

    @Test
    void numbersMatchPrintfAcrossMagnitudes() {
        Random rnd = new Random(5);
        double[] edges = {0, -0.0, 1e-4, 9.9995e-5, 0.00099995, 9.99995, 9.99949, 99.995, 1234.5, 9999.4, 9999.5, 1e4, 123456.0,
            -3.14159, 1.0 / 3, Double.NaN, Double.POSITIVE_INFINITY, 2.5e-7, 0.5, 0.05, 0.00015, 4.99995};
        for (double v : edges) {
            assertThat(ProgressBar.significant(new StringBuilder(), v).toString()).as("%.4g of " + v)
                    .isEqualTo(String.format(Locale.ROOT, "%.4g", v));
        }
        for (int i = 0; i < 20000; i++) {
            double v = Math.pow(10, rnd.nextDouble() * 12 - 6) * (rnd.nextBoolean() ? 1 : -1);
            assertThat(ProgressBar.significant(new StringBuilder(), v).toString()).as("%.4g of " + v)
                    .isEqualTo(String.format(Locale.ROOT, "%.4g", v));
            double r = rnd.nextDouble() * 5000;
            assertThat(ProgressBar.fixed(new StringBuilder(), r, 1).toString()).as("%.1f of " + r)
                    .isEqualTo(String.format(Locale.ROOT, "%.1f", r));
        }
    }
}
