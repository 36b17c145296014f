package dev.lightning4j.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded stratified train/validation/test splits and training-only standardisation, shared by the
 * classification examples. Stratifying keeps the class balance of small data sets equal across
 * the splits, so a 15% test set of 85 examples still has the data set's share of each class.
 */
public final class Splits {
    private Splits() {
    }

    /**
     * Row indices of the three splits: for every class, its rows are shuffled with {@code seed} and
     * the first {@code round(trainFraction * n)} go to training, the next {@code round(valFraction * n)}
     * to validation and the rest to test. Each split is then shuffled so classes interleave.
     *
     * @return {@code [train, val, test]} row indices
     */
    public static int[][] stratified(int[] labels, int numClasses, double trainFraction, double valFraction, long seed) {
        if (trainFraction <= 0 || valFraction < 0 || trainFraction + valFraction >= 1) {
            throw new IllegalArgumentException("fractions must leave a test split: train " + trainFraction + ", val " + valFraction);
        }
        Random rnd = new Random(seed);
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("row " + i + " has label " + labels[i] + ", outside [0, " + numClasses + ")");
            }
            byClass.get(labels[i]).add(i);
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> val = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (List<Integer> rows : byClass) {
            java.util.Collections.shuffle(rows, rnd);
            int nTrain = (int) Math.round(trainFraction * rows.size());
            int nVal = (int) Math.round(valFraction * rows.size());
            train.addAll(rows.subList(0, nTrain));
            val.addAll(rows.subList(nTrain, Math.min(rows.size(), nTrain + nVal)));
            test.addAll(rows.subList(Math.min(rows.size(), nTrain + nVal), rows.size()));
        }
        java.util.Collections.shuffle(train, rnd);
        java.util.Collections.shuffle(val, rnd);
        java.util.Collections.shuffle(test, rnd);
        return new int[][] {toArray(train), toArray(val), toArray(test)};
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Per-column mean and standard deviation of {@code rows} (population), for standardising with
     * the training split's statistics only.
     *
     * @return {@code [mean, std]}, each with one value per column; a constant column gets std 1
     */
    public static double[][] columnStats(float[][] features, int[] rows) {
        int d = features[0].length;
        double[] mean = new double[d];
        double[] std = new double[d];
        for (int r : rows) {
            for (int j = 0; j < d; j++) {
                mean[j] += features[r][j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= rows.length;
        }
        for (int r : rows) {
            for (int j = 0; j < d; j++) {
                double c = features[r][j] - mean[j];
                std[j] += c * c;
            }
        }
        for (int j = 0; j < d; j++) {
            std[j] = Math.sqrt(std[j] / rows.length);
            if (std[j] < 1e-12) {
                std[j] = 1;
            }
        }
        return new double[][] {mean, std};
    }
}
