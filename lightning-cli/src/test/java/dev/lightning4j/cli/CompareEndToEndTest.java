package dev.lightning4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lightning compare} of the tiny configuration on both engines, each in its own JVM. */
class CompareEndToEndTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    @TempDir
    Path tmp;

    @Test
    void compareWritesAReportAndSaysWhetherTheEnginesAgree() throws Exception {
        Path out = tmp.resolve("report");
        Cli.Result r = Cli.run("compare", "--config", Cli.tiny(), "--backends", "pytorch,tensorflow", "--out", out.toString());
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("metric").contains("pytorch").contains("tensorflow").contains("mean step time (ms)")
                .contains("throughput (examples/s)").contains("peak resident memory (MB)").contains("max rel. loss diff vs pytorch")
                .contains("MATCH: per-step training losses agree within 1e-4").doesNotContain("DIVERGED");

        String html = Files.readString(out.resolve("report.html"));
        for (String chart : CompareReport.CHARTS) {
            assertThat(html).contains("href=\"" + chart + "\"");
            byte[] png = Files.readAllBytes(out.resolve(chart));
            assertThat(Arrays.copyOf(png, 8)).as(chart).isEqualTo(PNG_SIGNATURE);
            BufferedImage img = ImageIO.read(out.resolve(chart).toFile());
            assertThat(img).as(chart).isNotNull();
            assertThat(img.getWidth()).isEqualTo(Charts.WIDTH);
            assertThat(img.getHeight()).isEqualTo(Charts.HEIGHT);
        }
        Matcher embedded = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        int images = 0;
        while (embedded.find()) {
            byte[] png = Base64.getDecoder().decode(embedded.group(1));
            assertThat(Arrays.copyOf(png, 8)).isEqualTo(PNG_SIGNATURE);
            assertThat(ImageIO.read(new java.io.ByteArrayInputStream(png)).getWidth()).isEqualTo(Charts.WIDTH);
            images++;
        }
        assertThat(images).isEqualTo(CompareReport.CHARTS.size());

        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("report.json"))).getAsJsonObject();
        JsonArray engines = json.getAsJsonArray("engines");
        assertThat(engines.size()).isEqualTo(2);
        assertThat(engines.get(0).getAsJsonObject().get("backend").getAsString()).isEqualTo("pytorch");
        assertThat(engines.get(1).getAsJsonObject().get("backend").getAsString()).isEqualTo("tensorflow");
        for (int i = 0; i < 2; i++) {
            JsonObject e = engines.get(i).getAsJsonObject();
            assertThat(e.get("steps").getAsInt()).isEqualTo(8);
            assertThat(e.getAsJsonArray("train_loss").size()).isEqualTo(8);
            assertThat(e.get("peak_rss_mb").getAsDouble()).isPositive();
            assertThat(e.get("throughput_examples_per_s").getAsDouble()).isPositive();
            assertThat(e.getAsJsonObject("final_metrics").has("val_loss")).isTrue();
        }
        double diff = json.getAsJsonObject("loss_difference").get("max_relative").getAsDouble();
        assertThat(diff).isBetween(0.0, 1e-4);
        assertThat(json.get("diverged").getAsBoolean()).isFalse();
        // each engine's own run directory, with the configuration it ran
        assertThat(out.resolve("tensorflow/lightning_logs/version_0/config.yaml")).isRegularFile();

        // An absurdly small tolerance: the same runs are reported as diverged, and --strict fails.
        Cli.Result strict = Cli.run("compare", "--config", Cli.tiny(), "--out", tmp.resolve("strict").toString(),
                "--tolerance", "0", "--strict");
        assertThat(strict.out()).as(strict.err()).contains("DIVERGED: tensorflow's training loss differs from pytorch's by")
                .contains("beyond the parity tolerance 0");
        assertThat(strict.status()).isEqualTo(Compare.DIVERGED);
        assertThat(Files.readString(tmp.resolve("strict/report.html"))).contains("DIVERGED");
    }

    @Test
    void compareValidatesBeforeStartingAnyEngine() {
        Cli.Result r = Cli.run("compare", "--config", Cli.tiny(), "--backends", "pytorch,tensorflw", "--out", tmp.toString());
        assertThat(r.status()).isEqualTo(Main.USAGE_ERROR);
        assertThat(r.err()).contains("--backends: unknown backend 'tensorflw'").contains("did you mean tensorflow?");
        r = Cli.run("compare", "--config", Cli.tiny(), "--tolerance", "tiny");
        assertThat(r.err()).contains("--tolerance: expected a relative tolerance >= 0");
        r = Cli.run("compare", "--config", Cli.tiny(), "--trainer.max_epoch=1");
        assertThat(r.err()).contains("did you mean trainer.max_epochs?");
    }
}
