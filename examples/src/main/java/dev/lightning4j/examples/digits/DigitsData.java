package dev.lightning4j.examples.digits;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The 8×8 handwritten digits (UCI "Optical Recognition of Handwritten Digits", as shipped in
 * scikit-learn): 1797 images, each a CSV line of 64 grey levels 0-16 (row-major) and the digit.
 *
 * @param pixels one row of 64 grey levels per image
 * @param labels the digit of each image
 */
public record DigitsData(float[][] pixels, int[] labels) {
    /** Image side in pixels. */
    public static final int SIDE = 8;
    /** Pixels per image. */
    public static final int PIXELS = SIDE * SIDE;
    /** Digits 0-9. */
    public static final int CLASSES = 10;

    /** The copy of {@code digits.csv.gz} in this module's resources. */
    public static DigitsData bundled() {
        String path = "/data/digits.csv.gz";
        try (InputStream raw = DigitsData.class.getResourceAsStream(path)) {
            if (raw == null) {
                throw new IllegalStateException("digits.csv.gz is missing from the examples' resources (" + path + ")");
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
                return parse(r, path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    static DigitsData parse(BufferedReader reader, String source) throws IOException {
        List<float[]> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        String line;
        int lineNo = 0;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length != PIXELS + 1) {
                throw new IllegalArgumentException(source + ":" + lineNo + ": expected " + (PIXELS + 1) + " columns, got " + f.length);
            }
            float[] x = new float[PIXELS];
            for (int j = 0; j < PIXELS; j++) {
                x[j] = Float.parseFloat(f[j]);
            }
            int y = (int) Float.parseFloat(f[PIXELS]);
            if (y < 0 || y >= CLASSES) {
                throw new IllegalArgumentException(source + ":" + lineNo + ": label " + y + " is not a digit");
            }
            xs.add(x);
            ys.add(y);
        }
        return new DigitsData(xs.toArray(new float[0][]), ys.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The number of images. */
    public int size() {
        return labels.length;
    }
}
