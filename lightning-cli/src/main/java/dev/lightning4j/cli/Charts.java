package dev.lightning4j.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Line charts drawn with Java2D and encoded as PNG, so a report needs no charting library and no
 * browser scripts. Series are overlaid; when engines agree their lines coincide, so the reference
 * is drawn wide and the others narrow and dashed on top of it, and both stay visible.
 */
public final class Charts {
    /** Chart width in pixels. */
    public static final int WIDTH = 900;
    /** Chart height in pixels. */
    public static final int HEIGHT = 420;

    private static final Color[] PALETTE = {new Color(0x1F, 0x77, 0xB4), new Color(0xFF, 0x7F, 0x0E),
        new Color(0x2C, 0xA0, 0x2C), new Color(0xD6, 0x27, 0x28), new Color(0x94, 0x67, 0xBD)};
    private static final int LEFT = 80;
    private static final int RIGHT = 24;
    private static final int TOP = 44;
    private static final int BOTTOM = 56;

    private Charts() {
    }

    /**
     * One line.
     *
     * @param name legend label
     * @param x    x values
     * @param y    y values (non-finite points are skipped)
     */
    public record Series(String name, double[] x, double[] y) {
    }

    /** A horizontal reference line (a tolerance, say). */
    public record Threshold(String name, double y) {
    }

    /** The colour of the i-th series. */
    public static Color color(int i) {
        return PALETTE[i % PALETTE.length];
    }

    /** Draws a line chart; {@code logY} plots log10 of positive values (zeros and negatives are left out). */
    public static BufferedImage lineChart(String title, String xLabel, String yLabel, List<Series> series,
                                          Threshold threshold, boolean logY) {
        return chart(title, xLabel, yLabel, series, threshold, logY, false);
    }

    /** Draws points without lines (for values such as differences, many of which may be missing). */
    public static BufferedImage scatterChart(String title, String xLabel, String yLabel, List<Series> series,
                                             Threshold threshold, boolean logY) {
        return chart(title, xLabel, yLabel, series, threshold, logY, true);
    }

    private static BufferedImage chart(String title, String xLabel, String yLabel, List<Series> series,
                                       Threshold threshold, boolean logY, boolean scatter) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            double xMin = Double.POSITIVE_INFINITY;
            double xMax = Double.NEGATIVE_INFINITY;
            double yMin = Double.POSITIVE_INFINITY;
            double yMax = Double.NEGATIVE_INFINITY;
            for (Series s : series) {
                for (int i = 0; i < s.x().length; i++) {
                    double y = transform(s.y()[i], logY);
                    if (Double.isFinite(y) && Double.isFinite(s.x()[i])) {
                        xMin = Math.min(xMin, s.x()[i]);
                        xMax = Math.max(xMax, s.x()[i]);
                        yMin = Math.min(yMin, y);
                        yMax = Math.max(yMax, y);
                    }
                }
            }
            if (threshold != null && Double.isFinite(transform(threshold.y(), logY))) {
                yMin = Math.min(yMin, transform(threshold.y(), logY));
                yMax = Math.max(yMax, transform(threshold.y(), logY));
            }
            boolean empty = !Double.isFinite(xMin);
            if (empty) {
                xMin = 0;
                xMax = 1;
                yMin = 0;
                yMax = 1;
            }
            if (xMax == xMin) {
                xMin -= 0.5;
                xMax += 0.5;
            }
            if (yMax == yMin) {
                double pad = Math.max(Math.abs(yMax) * 0.05, logY ? 0.5 : 1e-9);
                yMin -= pad;
                yMax += pad;
            }
            double[] yTicks = logY ? logTicks(yMin, yMax) : niceTicks(yMin, yMax);
            if (!logY) {
                yMin = Math.min(yMin, yTicks[0]);
                yMax = Math.max(yMax, yTicks[yTicks.length - 1]);
            } else {
                yMin = Math.floor(yMin);
                yMax = Math.ceil(yMax);
            }
            double[] xTicks = niceTicks(xMin, xMax);
            int pw = WIDTH - LEFT - RIGHT;
            int ph = HEIGHT - TOP - BOTTOM;
            Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            Font bold = new Font(Font.SANS_SERIF, Font.BOLD, 15);
            g.setFont(bold);
            g.setColor(new Color(0x22, 0x22, 0x22));
            g.drawString(title, LEFT, 26);
            g.setFont(small);
            FontMetrics fm = g.getFontMetrics();
            // grid and ticks
            for (double t : yTicks) {
                if (t < yMin - 1e-12 || t > yMax + 1e-12) {
                    continue;
                }
                int py = TOP + ph - (int) Math.round((t - yMin) / (yMax - yMin) * ph);
                g.setColor(new Color(0xE6, 0xE6, 0xE6));
                g.drawLine(LEFT, py, LEFT + pw, py);
                g.setColor(new Color(0x55, 0x55, 0x55));
                String label = logY ? "1e" + (int) Math.round(t) : format(t);
                g.drawString(label, LEFT - 8 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
            }
            for (double t : xTicks) {
                if (t < xMin - 1e-12 || t > xMax + 1e-12) {
                    continue;
                }
                int px = LEFT + (int) Math.round((t - xMin) / (xMax - xMin) * pw);
                g.setColor(new Color(0xF0, 0xF0, 0xF0));
                g.drawLine(px, TOP, px, TOP + ph);
                g.setColor(new Color(0x55, 0x55, 0x55));
                String label = format(t);
                g.drawString(label, px - fm.stringWidth(label) / 2, TOP + ph + 18);
            }
            g.setColor(new Color(0x88, 0x88, 0x88));
            g.drawRect(LEFT, TOP, pw, ph);
            g.setColor(new Color(0x33, 0x33, 0x33));
            g.drawString(xLabel, LEFT + pw / 2 - fm.stringWidth(xLabel) / 2, HEIGHT - 14);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            rotated.drawString(yLabel, -(TOP + ph / 2 + fm.stringWidth(yLabel) / 2), 18);
            rotated.dispose();
            if (threshold != null) {
                double ty = transform(threshold.y(), logY);
                if (Double.isFinite(ty)) {
                    int py = TOP + ph - (int) Math.round((ty - yMin) / (yMax - yMin) * ph);
                    g.setColor(new Color(0xB0, 0x00, 0x20));
                    g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {3, 4}, 0));
                    g.drawLine(LEFT, py, LEFT + pw, py);
                    g.drawString(threshold.name(), LEFT + pw - fm.stringWidth(threshold.name()) - 6, py - 5);
                }
            }
            // series: the first wide and solid, the rest narrower and dashed, so coinciding lines stay visible
            g.setClip(LEFT, TOP, pw + 1, ph + 1);
            for (int si = 0; si < series.size(); si++) {
                Series s = series.get(si);
                g.setColor(color(si));
                g.setStroke(stroke(si));
                Path2D.Double path = new Path2D.Double();
                boolean pen = false;
                int points = 0;
                for (int i = 0; i < s.x().length; i++) {
                    double y = transform(s.y()[i], logY);
                    if (!Double.isFinite(y)) {
                        pen = false;
                        continue;
                    }
                    double px = LEFT + (s.x()[i] - xMin) / (xMax - xMin) * pw;
                    double py = TOP + ph - (y - yMin) / (yMax - yMin) * ph;
                    if (pen) {
                        path.lineTo(px, py);
                    } else {
                        path.moveTo(px, py);
                        pen = true;
                    }
                    points++;
                }
                if (!scatter) {
                    g.draw(path);
                }
                if (scatter || points <= 30) {
                    for (int i = 0; i < s.x().length; i++) {
                        double y = transform(s.y()[i], logY);
                        if (Double.isFinite(y)) {
                            int px = (int) Math.round(LEFT + (s.x()[i] - xMin) / (xMax - xMin) * pw);
                            int py = (int) Math.round(TOP + ph - (y - yMin) / (yMax - yMin) * ph);
                            int r = scatter ? 2 : si == 0 ? 4 : 3;
                            g.fillOval(px - r, py - r, 2 * r, 2 * r);
                        }
                    }
                }
            }
            g.setClip(null);
            // legend
            g.setStroke(new BasicStroke(1f));
            int lx = LEFT + pw - 10;
            int ly = TOP + 10;
            int maxW = series.stream().mapToInt(s -> fm.stringWidth(s.name())).max().orElse(0);
            if (!series.isEmpty()) {
                g.setColor(new Color(255, 255, 255, 230));
                g.fillRect(lx - maxW - 48, ly - 4, maxW + 52, series.size() * 18 + 6);
                g.setColor(new Color(0xCC, 0xCC, 0xCC));
                g.drawRect(lx - maxW - 48, ly - 4, maxW + 52, series.size() * 18 + 6);
            }
            for (int si = 0; si < series.size(); si++) {
                int y = ly + 8 + si * 18;
                g.setColor(color(si));
                g.setStroke(stroke(si));
                g.drawLine(lx - maxW - 40, y, lx - maxW - 14, y);
                g.setStroke(new BasicStroke(1f));
                g.setColor(new Color(0x22, 0x22, 0x22));
                g.drawString(series.get(si).name(), lx - maxW - 8, y + 4);
            }
            if (empty) {
                g.setColor(new Color(0x88, 0x88, 0x88));
                String msg = "no data";
                g.drawString(msg, LEFT + pw / 2 - fm.stringWidth(msg) / 2, TOP + ph / 2);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The image as PNG bytes. */
    public static byte[] png(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer available in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Stroke stroke(int i) {
        if (i == 0) {
            return new BasicStroke(3.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
        }
        return new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10, new float[] {7, 4}, i * 3f);
    }

    private static double transform(double y, boolean log) {
        if (!log) {
            return y;
        }
        if (!(y > 0) || Double.isInfinite(y)) {
            return Double.NaN;
        }
        return Math.log10(y);
    }

    static double[] niceTicks(double lo, double hi) {
        double range = hi - lo;
        double rough = range / 6;
        double mag = Math.pow(10, Math.floor(Math.log10(rough)));
        double[] steps = {1, 2, 2.5, 5, 10};
        double step = mag;
        for (double s : steps) {
            if (s * mag >= rough) {
                step = s * mag;
                break;
            }
        }
        double start = Math.floor(lo / step) * step;
        List<Double> ticks = new ArrayList<>();
        for (double t = start; t <= hi + step * 0.5 && ticks.size() < 20; t += step) {
            ticks.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        }
        return ticks.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] logTicks(double lo, double hi) {
        int a = (int) Math.floor(lo);
        int b = (int) Math.ceil(hi);
        int every = Math.max(1, (b - a) / 8 + ((b - a) % 8 == 0 ? 0 : 1));
        List<Double> ticks = new ArrayList<>();
        for (int e = a; e <= b; e += every) {
            ticks.add((double) e);
        }
        return ticks.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String format(double v) {
        double a = Math.abs(v);
        if (v == 0) {
            return "0";
        }
        if (a >= 1e5 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        if (a == Math.rint(a)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        String s = String.format(Locale.ROOT, "%.4f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
