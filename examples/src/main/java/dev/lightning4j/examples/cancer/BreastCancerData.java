package dev.lightning4j.examples.cancer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Wisconsin Diagnostic Breast Cancer data (UCI, as shipped in scikit-learn): 569 fine-needle
 * aspirates, 30 features of the cell nuclei each, and the diagnosis. The file's first line is
 * {@code 569,30,malignant,benign}; every other line holds the 30 features and the label, 0 for
 * malignant and 1 for benign.
 *
 * @param features one row of 30 features per sample
 * @param labels   the file's labels: 0 malignant, 1 benign
 */
public record BreastCancerData(float[][] features, int[] labels) {
    /** Features per sample. */
    public static final int FEATURES = 30;

    /** The copy of {@code breast_cancer.csv} in this module's resources. */
    public static BreastCancerData bundled() {
        String path = "/data/breast_cancer.csv";
        try (InputStream in = BreastCancerData.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("breast_cancer.csv is missing from the examples' resources (" + path + ")");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BreastCancerData parse(BufferedReader reader, String source) throws IOException {
        String header = reader.readLine();
        String[] h = header == null ? new String[0] : header.split(",");
        if (h.length < 2) {
            throw new IllegalArgumentException(source + ": expected a header 'rows,features,...', got '" + header + "'");
        }
        int rows = Integer.parseInt(h[0].trim());
        int cols = Integer.parseInt(h[1].trim());
        if (cols != FEATURES) {
            throw new IllegalArgumentException(source + ": header says " + cols + " features; expected " + FEATURES);
        }
        float[][] x = new float[rows][FEATURES];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            String line = reader.readLine();
            if (line == null) {
                throw new IllegalArgumentException(source + ": header promises " + rows + " rows, found " + r);
            }
            String[] f = line.split(",");
            if (f.length != FEATURES + 1) {
                throw new IllegalArgumentException(source + ":" + (r + 2) + ": expected " + (FEATURES + 1) + " columns, got " + f.length);
            }
            for (int j = 0; j < FEATURES; j++) {
                x[r][j] = Float.parseFloat(f[j]);
            }
            y[r] = Integer.parseInt(f[FEATURES].trim());
        }
        return new BreastCancerData(x, y);
    }

    /** The number of samples. */
    public int size() {
        return labels.length;
    }
}
