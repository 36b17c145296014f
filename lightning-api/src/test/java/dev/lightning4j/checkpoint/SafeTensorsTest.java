package dev.lightning4j.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

    @TempDir
    Path dir;

    private static final float F32_PAYLOAD_NAN = Float.intBitsToFloat(0x7fc0_1234);
    private static final double F64_PAYLOAD_NAN = Double.longBitsToDouble(0x7ff8_0000_dead_beefL);

    private static Map<String, HostArray> everyDtype() {
        Map<String, HostArray> t = new LinkedHashMap<>();
        t.put("f32", HostArray.of(new float[] {1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN,
                F32_PAYLOAD_NAN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}, 2, 4));
        t.put("f64", HostArray.of(new double[] {0.1, -0.0, Double.MIN_VALUE, F64_PAYLOAD_NAN,
                Double.NEGATIVE_INFINITY, 1e308}, 3, 1, 2));
        t.put("i32", HostArray.of(new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, 4));
        t.put("i64", HostArray.of(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}, 2, 2));
        t.put("bool", HostArray.of(new boolean[] {true, false, true}, 3));
        t.put("scalar.f32", HostArray.of(new float[] {3.25f}));
        t.put("scalar.f64", HostArray.of(new double[] {-2.5}));
        t.put("scalar.i32", HostArray.of(new int[] {7}));
        t.put("scalar.i64", HostArray.of(new long[] {1L << 40}));
        t.put("scalar.bool", HostArray.of(new boolean[] {true}));
        for (DType d : DType.values()) {
            t.put("empty." + d, HostArray.zeros(d, Shape.of(0)));
            t.put("empty2d." + d, HostArray.zeros(d, Shape.of(3, 0)));
        }
        return t;
    }

    @Test
    void roundTripsEveryDtypeScalarsAndEmptyTensorsBitForBit() throws IOException {
        Map<String, HostArray> tensors = everyDtype();
        Path file = dir.resolve("all.safetensors");
        SafeTensors.write(file, tensors, Map.of("format", "pt", "note", "ünïcödé \"quoted\"\n"));

        SafeTensors.Contents read = SafeTensors.read(file);
        assertThat(read.tensors()).isEqualTo(tensors);
        assertThat(read.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("format", "pt", "note", "ünïcödé \"quoted\"\n"));
        // Arrays.equals canonicalises NaN; check the raw bits so payloads are proven to survive.
        float[] f = ((HostArray.F32) read.tensors().get("f32")).data();
        assertThat(Float.floatToRawIntBits(f[5])).isEqualTo(0x7fc0_1234);
        assertThat(Float.floatToRawIntBits(f[1])).isEqualTo(0x8000_0000);
        double[] d = ((HostArray.F64) read.tensors().get("f64")).data();
        assertThat(Double.doubleToRawLongBits(d[3])).isEqualTo(0x7ff8_0000_dead_beefL);
        assertThat(Double.doubleToRawLongBits(d[1])).isEqualTo(0x8000_0000_0000_0000L);
        assertThat(read.tensors().get("scalar.f32").shape()).isEqualTo(Shape.scalar());
        assertThat(read.tensors().get("empty2d.INT64").shape()).isEqualTo(Shape.of(3, 0));
        // Tensors come back in file order, which is the reference writer's order.
        assertThat(List.copyOf(read.tensors().keySet())).isEqualTo(SafeTensors.layoutOrder(tensors));
    }

    @Test
    void largeTensorsStreamInChunks() throws IOException {
        int n = 300_001; // several 64 KiB chunks plus a remainder
        float[] f = new float[n];
        long[] l = new long[n];
        boolean[] b = new boolean[n];
        for (int i = 0; i < n; i++) {
            f[i] = i * 0.5f - 7;
            l[i] = (long) i * 0x1_0000_0001L;
            b[i] = i % 3 == 0;
        }
        Map<String, HostArray> t = Map.of("f", HostArray.of(f, n), "l", HostArray.of(l, 1, n), "b", HostArray.of(b, n));
        Path file = dir.resolve("big.safetensors");
        SafeTensors.write(file, t, null);
        assertThat(SafeTensors.read(file).tensors()).isEqualTo(t);
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(Files.size(file)).isEqualTo(8 + headerLength + 13L * n);
    }

    /** Bytes written by hand from the format description, not by the code under test. */
    @Test
    void goldenFileWrittenByHandFromTheSpec() throws IOException {
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[4,12]},"
                + "\"c\":{\"dtype\":\"BOOL\",\"shape\":[0],\"data_offsets\":[12,12]}}";
        assertThat(json.length()).isEqualTo(194); // + 6 spaces = 200 = 0xC8
        byte[] expected = concat(
                new byte[] {(byte) 0xC8, 0, 0, 0, 0, 0, 0, 0},
                json.getBytes(StandardCharsets.US_ASCII),
                "      ".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0x00, 0x00, (byte) 0xC0, 0x3F},                           // 1.5f
                new byte[] {0x01, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}); // 1, -1

        Map<String, HostArray> t = new LinkedHashMap<>();
        t.put("c", HostArray.of(new boolean[0], 0));
        t.put("b", HostArray.of(new int[] {1, -1}, 2));
        t.put("a", HostArray.of(new float[] {1.5f}));
        assertThat(SafeTensors.toBytes(t, Map.of("format", "pt"))).isEqualTo(expected);

        Path file = dir.resolve("golden.safetensors");
        Files.write(file, expected);
        SafeTensors.Contents read = SafeTensors.read(file);
        assertThat(read.tensors()).containsExactly(
                Map.entry("a", HostArray.of(new float[] {1.5f})),
                Map.entry("b", HostArray.of(new int[] {1, -1}, 2)),
                Map.entry("c", HostArray.of(new boolean[0], 0)));
        assertThat(read.metadata()).containsExactly(Map.entry("format", "pt"));
    }

    /** The byte vectors from the reference implementation's own unit tests (safetensors/src/tensor.rs). */
    @Test
    void matchesTheReferenceImplementationsTestVectors() {
        byte[] forcedAlignment = bytes(72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
                121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
                91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
                115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
                32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
                160, 64);
        assertThat(SafeTensors.toBytes(Map.of("attn0", HostArray.of(new float[] {0, 1, 2, 3, 4, 5}, 1, 1, 2, 3)), null))
                .isEqualTo(forcedAlignment);

        assertThat(SafeTensors.toBytes(Map.of(), null)).isEqualTo(bytes(8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32));
        assertThat(SafeTensors.toBytes(Map.of(), Map.of("framework", "pt"))).isEqualTo(bytes(
                40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
                95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
                116, 34, 125, 125, 32, 32, 32, 32, 32));
    }

    @Test
    void ordersLikeTheReferenceWriterAndAlignsTheData() {
        Map<String, HostArray> t = new LinkedHashMap<>();
        t.put("z", HostArray.of(new boolean[] {true}, 1));
        t.put("a", HostArray.of(new boolean[] {true}, 1));
        t.put("i32", HostArray.of(new int[] {1}, 1));
        t.put("f32", HostArray.of(new float[] {1}, 1));
        t.put("f64", HostArray.of(new double[] {1}, 1));
        t.put("i64", HostArray.of(new long[] {1}, 1));
        // U+FFFF sorts before U+1F600 in UTF-8 (as Rust compares), after it in UTF-16 (String.compareTo).
        t.put("x\uFFFF", HostArray.of(new float[] {1}, 1));
        t.put("x\uD83D\uDE00", HostArray.of(new float[] {1}, 1));
        assertThat(SafeTensors.layoutOrder(t)).containsExactly("i64", "f64", "f32", "x\uFFFF", "x\uD83D\uDE00", "i32", "a", "z");

        for (int len = 1; len <= 9; len++) {
            byte[] file = SafeTensors.toBytes(Map.of("n".repeat(len), HostArray.of(new double[] {1})), null);
            long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat((8 + n) % 8).isZero();
            assertThat(file[(int) (8 + n) - 1]).isIn((byte) ' ', (byte) '}');
        }
    }

    @Test
    void escapesNamesAsSerdeJsonDoes() {
        byte[] file = SafeTensors.toBytes(Map.of("a\"b\\c\u0001\té/<", HostArray.of(new int[] {1})), null);
        String header = new String(file, 8, file.length - 12, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"a\\\"b\\\\c\\u0001\\té/<\":{");
    }

    @Test
    void rejectsReservedAndInvalidNames() {
        assertThatThrownBy(() -> SafeTensors.toBytes(Map.of("__metadata__", HostArray.of(new int[] {1})), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> SafeTensors.toBytes(Map.of("bad\uD800", HostArray.of(new int[] {1})), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafeTensors.write(file, Map.of("a", HostArray.of(new int[] {1})), null);
        SafeTensors.write(file, Map.of("b", HostArray.of(new int[] {2})), null);
        assertThat(SafeTensors.read(file).tensors()).containsOnlyKeys("b");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("w.safetensors");
        }
    }

    // ---------------------------------------------------------------- corruption

    private Path file(String name, String headerJson, byte[] data) throws IOException {
        byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private static void assertFails(Path file, String key, ThrowingCallable call, String... fragments) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(CheckpointException.class, e -> {
                    assertThat(e.file()).isEqualTo(file);
                    assertThat(e.key()).isEqualTo(key);
                    assertThat(e.getMessage()).contains(file.toString());
                    if (key != null) {
                        assertThat(e.getMessage()).contains("'" + key + "'");
                    }
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                });
    }

    private void assertReadFails(Path file, String key, String... fragments) {
        assertFails(file, key, () -> SafeTensors.read(file), fragments);
    }

    @Test
    void truncatedBeforeTheHeaderLength() throws IOException {
        Path p = dir.resolve("short.safetensors");
        Files.write(p, new byte[] {1, 2, 3});
        assertReadFails(p, null, "truncated", "3 bytes");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path p = dir.resolve("len.safetensors");
        Files.write(p, bytes(100, 0, 0, 0, 0, 0, 0, 0, '{', '}'));
        assertReadFails(p, null, "header length is 100");
        Path huge = dir.resolve("huge.safetensors");
        Files.write(huge, bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, '{', '}'));
        assertReadFails(huge, null, "header length is 18446744073709551615");
    }

    @Test
    void badJson() throws IOException {
        assertReadFails(file("json.safetensors", "{\"a\":{\"dtype\":\"F32\",", new byte[0]), "a", "invalid JSON",
                "unexpected end");
        assertReadFails(file("json2.safetensors", "{\"a\":1}x", new byte[0]), null, "invalid JSON", "after the JSON value");
        assertReadFails(file("dup.safetensors", "{\"a\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[4,8]}}", new byte[8]), "a", "duplicate key");
        assertReadFails(file("arr.safetensors", "[1,2]", new byte[0]), null, "expected a JSON object");
        Path utf = dir.resolve("utf.safetensors");
        Files.write(utf, bytes(8, 0, 0, 0, 0, 0, 0, 0, '{', 0xC3, '}', ' ', ' ', ' ', ' ', ' '));
        assertReadFails(utf, null, "UTF-8");
    }

    @Test
    void unknownDtype() throws IOException {
        assertReadFails(file("dtype.safetensors", "{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}",
                new byte[4]), "w", "F16");
    }

    @Test
    void badShapesAndOffsets() throws IOException {
        assertReadFails(file("size.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}",
                new byte[4]), "w", "span 4 bytes", "needs 8");
        assertReadFails(file("neg.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
                new byte[4]), "w", "dimension 0");
        assertReadFails(file("rev.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,4]}}",
                new byte[8]), "w", "out of range");
        assertReadFails(file("frac.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4.0]}}",
                new byte[4]), "w", "data_offsets");
        assertReadFails(file("field.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4],\"x\":1}}",
                new byte[4]), "w", "unknown field 'x'");
        assertReadFails(file("missing.safetensors", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}",
                new byte[4]), "w", "shape");
    }

    @Test
    void overlappingOffsets() throws IOException {
        assertReadFails(file("overlap.safetensors", "{\"a\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]), "b", "overlap tensor 'a'");
    }

    @Test
    void gapBetweenTensors() throws IOException {
        assertReadFails(file("gap.safetensors", "{\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[8,12]}}", new byte[12]), "b", "gap");
    }

    @Test
    void offsetsBeyondTheEndOfATruncatedFile() throws IOException {
        Map<String, HostArray> t = Map.of("w", HostArray.of(new double[] {1, 2, 3}, 3), "b", HostArray.of(new int[] {1}, 1));
        byte[] good = SafeTensors.toBytes(t, null);
        Path p = dir.resolve("trunc.safetensors");
        Files.write(p, Arrays.copyOf(good, good.length - 3));
        // w (F64) is laid out first, b (I32) last: b is the tensor cut short.
        assertReadFails(p, "b", "truncated", "data_offsets [24, 28]");
    }

    @Test
    void trailingGarbage() throws IOException {
        byte[] good = SafeTensors.toBytes(Map.of("w", HostArray.of(new int[] {1, 2}, 2)), null);
        Path p = dir.resolve("trailing.safetensors");
        Files.write(p, concat(good, new byte[] {9, 9, 9}));
        assertReadFails(p, "w", "3 bytes of trailing garbage");
    }

    @Test
    void boolBytesMustBeZeroOrOne() throws IOException {
        assertReadFails(file("bool.safetensors", "{\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}",
                new byte[] {1, 2}), "m", "element 1", "0 or 1");
    }

    @Test
    void metadataValuesMustBeStrings() throws IOException {
        assertReadFails(file("meta.safetensors", "{\"__metadata__\":{\"epoch\":3}}", new byte[0]), "__metadata__.epoch",
                "must be strings");
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("nope.safetensors");
        assertReadFails(p, null, "not found");
    }

    @Test
    void readsUnpaddedHeadersWrittenByOlderWriters() throws IOException {
        Path p = file("old.safetensors", "{\"w\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}",
                bytes(5, 0, 0, 0, 0, 0, 0, 0));
        assertThat(SafeTensors.read(p).tensors()).containsExactly(Map.entry("w", HostArray.of(new long[] {5}, 1)));
    }

    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
