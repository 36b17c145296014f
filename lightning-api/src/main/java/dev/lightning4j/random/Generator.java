package dev.lightning4j.random;

import java.util.SplittableRandom;

/**
 * A seeded source of random numbers on the host. Initial weights, data order and per-step seeds
 * come from here, in Java, so that the same seed starts every engine from the same values.
 */
public final class Generator {
    private static final Generator DEFAULT = new Generator(0x5eed_1234L);

    private SplittableRandom random;
    private long seed;

    /** A generator seeded with {@code seed}. */
    public Generator(long seed) {
        manualSeed(seed);
    }

    /** The process-wide generator that layers draw their initial weights from (like torch's default generator). */
    public static Generator defaultGenerator() {
        return DEFAULT;
    }

    /** Restarts the sequence from {@code seed}. */
    public synchronized void manualSeed(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    /** The seed the sequence last restarted from. */
    public synchronized long initialSeed() {
        return seed;
    }

    /** A uniform double in {@code [0, 1)}. */
    public synchronized double nextDouble() {
        return random.nextDouble();
    }

    /** A uniform long. */
    public synchronized long nextLong() {
        return random.nextLong();
    }

    /** A uniform int in {@code [0, bound)}. */
    public synchronized int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** {@code n} float values uniform in {@code [low, high)}. */
    public synchronized float[] uniform(int n, double low, double high) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (low + (high - low) * random.nextDouble());
        }
        return out;
    }

    /** {@code n} float values from a normal distribution. */
    public synchronized float[] normal(int n, double mean, double std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i += 2) {
            // Box-Muller: two independent normals per pair of uniforms.
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1));
            out[i] = (float) (mean + std * r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < n) {
                out[i + 1] = (float) (mean + std * r * Math.sin(2 * Math.PI * u2));
            }
        }
        return out;
    }

    /** A random permutation of {@code 0..n-1} (Fisher-Yates). */
    public synchronized int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The state needed to continue this exact sequence elsewhere: a fresh seed derived from it. */
    public synchronized Generator split() {
        return new Generator(random.nextLong());
    }
}
