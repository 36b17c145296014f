package dev.lightning4j.benchmarks;

import java.util.Arrays;

/** Median and spread of repeated measurements. */
final class Stats {
    private Stats() {
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    /** "median [min-max]". */
    static String spread(double[] v, String fmt) {
        return String.format(java.util.Locale.ROOT, fmt + " [" + fmt + "-" + fmt + "]", median(v), min(v), max(v));
    }
}
