package dev.lightning4j.loggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HparamsTest {
    private enum Mode { FAST }

    private static String yaml(Map<String, ?> params) {
        return Hparams.toYaml(Hparams.normalize(params));
    }

    @Test
    void quotesStringsThatWouldReadBackAsSomethingElse() {
        assertThat(Hparams.scalar("adam")).isEqualTo("adam");
        assertThat(Hparams.scalar("lightning_logs/v-1.x")).isEqualTo("lightning_logs/v-1.x");
        assertThat(Hparams.scalar("")).isEqualTo("''");
        assertThat(Hparams.scalar("true")).isEqualTo("'true'");
        assertThat(Hparams.scalar("No")).isEqualTo("'No'");
        assertThat(Hparams.scalar("null")).isEqualTo("'null'");
        assertThat(Hparams.scalar("~")).isEqualTo("'~'");
        assertThat(Hparams.scalar("1e-3")).isEqualTo("'1e-3'");
        assertThat(Hparams.scalar("0.5")).isEqualTo("'0.5'");
        assertThat(Hparams.scalar("-3")).isEqualTo("'-3'");
        assertThat(Hparams.scalar(".inf")).isEqualTo("'.inf'");
        assertThat(Hparams.scalar("2024-01-01")).isEqualTo("'2024-01-01'");
        assertThat(Hparams.scalar("a: b")).isEqualTo("'a: b'");
        assertThat(Hparams.scalar("x #y")).isEqualTo("'x #y'");
        assertThat(Hparams.scalar("- item")).isEqualTo("'- item'");
        assertThat(Hparams.scalar(" padded")).isEqualTo("' padded'");
        assertThat(Hparams.scalar("it's")).isEqualTo("it's");
        assertThat(Hparams.scalar("'quoted'")).isEqualTo("'''quoted'''");
        assertThat(Hparams.scalar("[1, 2]")).isEqualTo("'[1, 2]'");
        assertThat(Hparams.scalar("two\nlines\t\"q\"\\")).isEqualTo("\"two\\nlines\\t\\\"q\\\"\\\\\"");
        assertThat(Hparams.scalar("café")).isEqualTo("'café'");
    }

    @Test
    void writesNumbersBooleansAndNullAsPyYaml() {
        assertThat(Hparams.scalar(1e-05)).isEqualTo("1.0e-05");
        assertThat(Hparams.scalar(0.1)).isEqualTo("0.1");
        assertThat(Hparams.scalar(3.0)).isEqualTo("3.0");
        assertThat(Hparams.scalar(1e20)).isEqualTo("1.0e+20");
        assertThat(Hparams.scalar(Double.NaN)).isEqualTo(".nan");
        assertThat(Hparams.scalar(Double.NEGATIVE_INFINITY)).isEqualTo("-.inf");
        assertThat(Hparams.scalar(42L)).isEqualTo("42");
        assertThat(Hparams.scalar(false)).isEqualTo("false");
        assertThat(Hparams.scalar(null)).isEqualTo("null");
    }

    @Test
    void writesNestedBlocksWithSortedKeys() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("z", List.of(Map.of("b", 1, "a", List.of()), List.of(1, 2), "s"));
        params.put("a", Map.of("inner", Map.of("deep", true), "empty", Map.of()));
        params.put("arr", new int[] {1, 2});
        params.put("mode", Mode.FAST);
        params.put("f", 0.1f);
        assertThat(yaml(params)).isEqualTo(
                "a:\n"
                        + "  empty: {}\n"
                        + "  inner:\n"
                        + "    deep: true\n"
                        + "arr:\n"
                        + "- 1\n"
                        + "- 2\n"
                        + "f: 0.1\n"
                        + "mode: FAST\n"
                        + "z:\n"
                        + "- a: []\n"
                        + "  b: 1\n"
                        + "- - 1\n"
                        + "  - 2\n"
                        + "- s\n");
        assertThat(yaml(Map.of())).isEqualTo("{}\n");
    }

    @Test
    void snapshotsAndFlattens() {
        List<Object> mutable = new ArrayList<>(List.of(1));
        Map<String, Object> snapshot = Hparams.normalize(Map.of("l", mutable, "opt", Map.of("lr", 0.1, "b", Map.of("c", 1))));
        mutable.add(2);
        assertThat(snapshot.get("l")).isEqualTo(List.of(1L));
        assertThat(Hparams.flatten(snapshot, "/")).containsEntry("opt/lr", 0.1).containsEntry("opt/b/c", 1L)
                .containsEntry("l", List.of(1L));
    }

    @Test
    void rejectsACycleNamingTheKey() {
        List<Object> self = new ArrayList<>();
        self.add(self);
        assertThatThrownBy(() -> Hparams.normalize(Map.of("loop", self)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loop");
    }

    @Test
    void formatsFloatsAsPythonRepr() {
        assertThat(PyFormat.floatRepr(0.5)).isEqualTo("0.5");
        assertThat(PyFormat.floatRepr(1.0)).isEqualTo("1.0");
        assertThat(PyFormat.floatRepr(-0.0)).isEqualTo("-0.0");
        assertThat(PyFormat.floatRepr(0.0001)).isEqualTo("0.0001");
        assertThat(PyFormat.floatRepr(0.00001)).isEqualTo("1e-05");
        assertThat(PyFormat.floatRepr(1.5e-7)).isEqualTo("1.5e-07");
        assertThat(PyFormat.floatRepr(1e15)).isEqualTo("1000000000000000.0");
        assertThat(PyFormat.floatRepr(1e16)).isEqualTo("1e+16");
        assertThat(PyFormat.floatRepr(-2.5e100)).isEqualTo("-2.5e+100");
        assertThat(PyFormat.floatRepr(123456.789)).isEqualTo("123456.789");
        assertThat(PyFormat.floatRepr(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(PyFormat.floatRepr(Double.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(PyFormat.str(Hparams.normalize(Map.of("k", List.of("a", true, 1.5))).get("k")))
                .isEqualTo("['a', True, 1.5]");
        assertThat(PyFormat.str(null)).isEqualTo("None");
    }

    /**
     * floatRepr reads Double.toString's digits by hand; BigDecimal reads the same digits for the
     * reference, across both of Double.toString's notations (plain within [1e-3, 1e7)) and the
     * extremes, so the hand-written parse must agree with it digit for digit.
     */
    @Test
    void floatReprReadsTheDigitsBigDecimalReads() {
        List<Double> values = new ArrayList<>(List.of(Double.MIN_VALUE, Double.MAX_VALUE, Double.MIN_NORMAL,
                1e-3, 0.00099999, 1e7, 9999999.999, 1e-4, 0.1, 10.0, 100.0, 1e22, 1e23, 2e-3, 0.30000000000000004));
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            values.add(Math.abs(Double.longBitsToDouble(random.nextLong())));
            values.add(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            values.add(Math.abs((double) (float) (random.nextGaussian() * Math.pow(10, random.nextInt(12) - 6))));
        }
        for (double v : values) {
            if (Double.isFinite(v) && v > 0) {
                BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
                String digits = d.unscaledValue().toString();
                assertThat(PyFormat.Digits.of(v)).as("digits of %s", v)
                        .isEqualTo(new PyFormat.Digits(digits, digits.length() - d.scale()));
            }
        }
    }
}
