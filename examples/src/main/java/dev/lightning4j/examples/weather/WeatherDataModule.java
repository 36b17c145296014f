package dev.lightning4j.examples.weather;

import dev.lightning4j.data.TensorDataset;
import dev.lightning4j.examples.SplitDataModule;
import dev.lightning4j.tensor.HostArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Windows of {@code window} consecutive days (all locations) with the next day's maximum
 * temperature as the target. The split is chronological by the target's year: 2012-2013 train,
 * 2014 validation, 2015 test; features and target are standardised with training-year statistics
 * only, so nothing about the later years leaks into training.
 */
public final class WeatherDataModule extends SplitDataModule {
    /** Features per day: precipitation, temp_max, temp_min, wind, sin/cos of day of year, location id. */
    public static final int FEATURES = 7;

    private final WeatherData data;
    private final int window;
    private double targetMean;
    private double targetStd;
    private double[] persistenceTest;
    private double[] climatologyTest;
    private double[] actualTest;

    /** Windows of {@code window} days from {@code data}, in batches of {@code batchSize}. */
    public WeatherDataModule(WeatherData data, int window, int batchSize) {
        super(batchSize, 256);
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1 day, got " + window);
        }
        this.data = data;
        this.window = window;
    }

    @Override
    protected Split buildSplit() {
        List<String> locations = new ArrayList<>(data.byLocation().keySet());
        // Statistics over the training years only.
        double[] sum = new double[4];
        double[] sq = new double[4];
        int n = 0;
        double[] climSum = new double[367];
        int[] climCount = new int[367];
        for (List<WeatherData.Day> days : data.byLocation().values()) {
            for (WeatherData.Day d : days) {
                if (d.date().getYear() <= 2013) {
                    double[] v = raw(d);
                    for (int i = 0; i < 4; i++) {
                        sum[i] += v[i];
                        sq[i] += v[i] * v[i];
                    }
                    n++;
                    climSum[d.date().getDayOfYear()] += d.tempMax();
                    climCount[d.date().getDayOfYear()]++;
                }
            }
        }
        double[] mean = new double[4];
        double[] std = new double[4];
        for (int i = 0; i < 4; i++) {
            mean[i] = sum[i] / n;
            std[i] = Math.sqrt(Math.max(sq[i] / n - mean[i] * mean[i], 1e-12));
        }
        targetMean = mean[1];
        targetStd = std[1];

        Windows trainSplit = new Windows();
        Windows valSplit = new Windows();
        Windows testSplit = new Windows();
        List<double[]> testBaselines = new ArrayList<>();
        for (Map.Entry<String, List<WeatherData.Day>> e : data.byLocation().entrySet()) {
            double locationId = locations.indexOf(e.getKey());
            List<WeatherData.Day> days = e.getValue();
            for (int t = window; t < days.size(); t++) {
                WeatherData.Day target = days.get(t);
                Windows split = switch (target.date().getYear()) {
                    case 2012, 2013 -> trainSplit;
                    case 2014 -> valSplit;
                    default -> testSplit;
                };
                float[] x = new float[window * FEATURES];
                for (int w = 0; w < window; w++) {
                    WeatherData.Day d = days.get(t - window + w);
                    double[] v = raw(d);
                    for (int i = 0; i < 4; i++) {
                        x[w * FEATURES + i] = (float) ((v[i] - mean[i]) / std[i]);
                    }
                    double angle = 2 * Math.PI * d.date().getDayOfYear() / 365.25;
                    x[w * FEATURES + 4] = (float) Math.sin(angle);
                    x[w * FEATURES + 5] = (float) Math.cos(angle);
                    x[w * FEATURES + 6] = (float) locationId;
                }
                split.add(x, (float) ((target.tempMax() - targetMean) / targetStd));
                if (split == testSplit) {
                    int doy = target.date().getDayOfYear();
                    double clim = climCount[doy] > 0 ? climSum[doy] / climCount[doy] : targetMean;
                    testBaselines.add(new double[] {days.get(t - 1).tempMax(), clim, target.tempMax()});
                }
            }
        }
        persistenceTest = testBaselines.stream().mapToDouble(b -> b[0]).toArray();
        climatologyTest = testBaselines.stream().mapToDouble(b -> b[1]).toArray();
        actualTest = testBaselines.stream().mapToDouble(b -> b[2]).toArray();
        return new Split(trainSplit.dataset(window), valSplit.dataset(window), testSplit.dataset(window));
    }

    private static double[] raw(WeatherData.Day d) {
        return new double[] {d.precipitation(), d.tempMax(), d.tempMin(), d.wind()};
    }

    /** The training-years standard deviation of temp_max, to turn standardised errors into °C. */
    public double targetStd() {
        return targetStd;
    }

    /** The training-years mean of temp_max. */
    public double targetMean() {
        return targetMean;
    }

    /** Test MAE (°C) of persistence: tomorrow's maximum equals today's. */
    public double persistenceTestMae() {
        return mae(persistenceTest, actualTest);
    }

    /** Test MAE (°C) of climatology: the training years' mean maximum for that day of year. */
    public double climatologyTestMae() {
        return mae(climatologyTest, actualTest);
    }

    /** The actual test targets (°C), in test-loader order. */
    public double[] testTargets() {
        return actualTest.clone();
    }

    private static double mae(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s / a.length;
    }

    private static final class Windows {
        private final List<float[]> xs = new ArrayList<>();
        private final List<Float> ys = new ArrayList<>();

        void add(float[] x, float y) {
            xs.add(x);
            ys.add(y);
        }

        TensorDataset dataset(int window) {
            float[] x = new float[xs.size() * window * FEATURES];
            float[] y = new float[ys.size()];
            for (int i = 0; i < xs.size(); i++) {
                System.arraycopy(xs.get(i), 0, x, i * window * FEATURES, window * FEATURES);
                y[i] = ys.get(i);
            }
            return TensorDataset.of(HostArray.of(x, xs.size(), window, FEATURES), HostArray.of(y, ys.size(), 1));
        }
    }
}
