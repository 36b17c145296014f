package dev.lightning4j.checkpoint;

import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format,
 * so that weights saved here load with Python's {@code safetensors.torch.load_file} and files from
 * Python load here.
 *
 * <p>Layout: 8 bytes little-endian unsigned header length {@code N}; {@code N} bytes of UTF-8 JSON
 * {@code {"__metadata__":{...},"<name>":{"dtype":"F32","shape":[..],"data_offsets":[begin,end]},...}}
 * padded with spaces so the data starts at a multiple of 8; then the tensors' bytes, contiguous,
 * little-endian, row-major, with offsets relative to the start of that data.
 *
 * <p>Writing follows the reference implementation (the Rust crate behind the Python package)
 * exactly, so identical input gives an identical file: tensors are ordered by descending dtype
 * alignment in the reference's dtype order ({@code I64, F64, F32, I32, BOOL} for the types
 * supported here) and then by name compared as UTF-8 bytes; the header is compact JSON with
 * {@code __metadata__} first (its keys sorted here, for determinism), then the tensors in that order.
 * {@link #write(Path, Map, Map)} replaces the file atomically and streams the data in chunks.
 *
 * <p>Reading validates the whole file before trusting it and fails with a
 * {@link CheckpointException} naming the file and the offending key: truncated file, header length
 * beyond the file, malformed JSON, unknown dtype, bad shape, offsets out of range, overlapping, with
 * gaps or not matching shape × dtype size, trailing bytes after the last tensor, and boolean bytes
 * other than 0 or 1.
 */
public final class SafeTensors {

    /** The largest header accepted, as in the reference implementation (100 MB). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The reserved header key holding string metadata. */
    public static final String METADATA_KEY = "__metadata__";

    /** Chunk size for streaming tensor data; a multiple of every element size. */
    private static final int CHUNK = 1 << 16;

    private SafeTensors() {
    }

    /**
     * The content of a file.
     *
     * @param tensors  the tensors in file (data offset) order, read-only
     * @param metadata the {@code __metadata__} entries (empty when absent), read-only
     */
    public record Contents(Map<String, HostArray> tensors, Map<String, String> metadata) {
        /** Makes read-only copies. */
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes {@code tensors} and {@code metadata} (may be null or empty: then no {@code __metadata__}
     * entry is written) to {@code file}, replacing it atomically: a crash or error leaves the previous
     * file intact.
     */
    public static void write(Path file, Map<String, HostArray> tensors, Map<String, String> metadata) throws IOException {
        Prepared p = prepare(tensors, metadata);
        DurableFiles.writeAtomically(file, ch -> p.writeTo(ch));
    }

    /** Writes the file content to {@code out} (which is not closed); for building files inside a directory. */
    public static void write(WritableByteChannel out, Map<String, HostArray> tensors, Map<String, String> metadata)
            throws IOException {
        prepare(tensors, metadata).writeTo(out);
    }

    /** Writes a new file without the atomic dance; for files inside a temporary directory that is published later. */
    static void writeNew(Path file, Map<String, HostArray> tensors, Map<String, String> metadata) throws IOException {
        Prepared p = prepare(tensors, metadata);
        DurableFiles.writeNew(file, ch -> p.writeTo(ch));
    }

    /** The whole file as bytes; convenient for small files and tests. */
    public static byte[] toBytes(Map<String, HostArray> tensors, Map<String, String> metadata) {
        Prepared p = prepare(tensors, metadata);
        ByteArrayChannel out = new ByteArrayChannel(Math.toIntExact(8 + p.header.length + p.dataLength));
        try {
            p.writeTo(out);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.size == out.bytes.length ? out.bytes : java.util.Arrays.copyOf(out.bytes, out.size);
    }

    /** The order in which the reference implementation lays out these tensors. */
    public static List<String> layoutOrder(Map<String, HostArray> tensors) {
        List<Map.Entry<String, HostArray>> entries = new ArrayList<>(tensors.entrySet());
        entries.sort(LAYOUT_ORDER);
        List<String> out = new ArrayList<>(entries.size());
        entries.forEach(e -> out.add(e.getKey()));
        return out;
    }

    /**
     * Descending dtype rank (the reference {@code Dtype} enum is ordered by increasing alignment,
     * and the writer puts the most aligned types first so every tensor stays aligned), then by name
     * in byte order of UTF-8, which is how Rust compares strings.
     */
    private static final Comparator<Map.Entry<String, HostArray>> LAYOUT_ORDER =
            Comparator.<Map.Entry<String, HostArray>>comparingInt(e -> -referenceRank(e.getValue().dtype()))
                    .thenComparing(Map.Entry::getKey, SafeTensors::compareUtf8);

    /** The position of a dtype in the reference implementation's {@code Dtype} enum. */
    private static int referenceRank(DType dtype) {
        switch (dtype) {
            case BOOL: return 0;
            case INT32: return 9;
            case FLOAT32: return 11;
            case FLOAT64: return 12;
            case INT64: return 13;
            default: throw new IllegalArgumentException("no safetensors rank for " + dtype);
        }
    }

    /** Compares as the UTF-8 byte sequences would, which differs from String.compareTo above U+FFFF. */
    static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    private record Prepared(byte[] header, List<Map.Entry<String, HostArray>> order, long dataLength) {
        void writeTo(WritableByteChannel ch) throws IOException {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            DurableFiles.writeFully(ch, len);
            DurableFiles.writeFully(ch, ByteBuffer.wrap(header));
            ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<String, HostArray> e : order) {
                writeData(ch, e.getValue(), chunk);
            }
        }
    }

    private static Prepared prepare(Map<String, HostArray> tensors, Map<String, String> metadata) {
        Objects.requireNonNull(tensors, "tensors");
        List<Map.Entry<String, HostArray>> order = new ArrayList<>(tensors.size());
        for (Map.Entry<String, HostArray> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || e.getValue() == null) {
                throw new IllegalArgumentException("safetensors: null tensor name or value (name " + name + ")");
            }
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("safetensors: '" + METADATA_KEY + "' is reserved and cannot name a tensor");
            }
            checkEncodable(name, "tensor name");
            order.add(Map.entry(name, e.getValue()));
        }
        order.sort(LAYOUT_ORDER);

        StringBuilder json = new StringBuilder("{");
        boolean first = true;
        if (metadata != null && !metadata.isEmpty()) {
            json.append('"').append(METADATA_KEY).append("\":{");
            boolean firstMeta = true;
            for (Map.Entry<String, String> m : new TreeMap<>(metadata).entrySet()) {
                if (m.getValue() == null) {
                    throw new IllegalArgumentException("safetensors: metadata '" + m.getKey() + "' is null; values must be strings");
                }
                checkEncodable(m.getKey(), "metadata key");
                checkEncodable(m.getValue(), "metadata value of '" + m.getKey() + "'");
                if (!firstMeta) {
                    json.append(',');
                }
                firstMeta = false;
                Json.quote(json, m.getKey());
                json.append(':');
                Json.quote(json, m.getValue());
            }
            json.append('}');
            first = false;
        }
        long offset = 0;
        for (Map.Entry<String, HostArray> e : order) {
            HostArray a = e.getValue();
            long n = (long) a.size() * a.dtype().byteSize();
            if (!first) {
                json.append(',');
            }
            first = false;
            Json.quote(json, e.getKey());
            json.append(":{\"dtype\":\"").append(a.dtype().safetensorsName()).append("\",\"shape\":[");
            long[] dims = a.shape().dims();
            for (int i = 0; i < dims.length; i++) {
                if (i > 0) {
                    json.append(',');
                }
                json.append(dims[i]);
            }
            json.append("],\"data_offsets\":[").append(offset).append(',').append(offset + n).append("]}");
            offset += n;
        }
        json.append('}');
        byte[] raw = json.toString().getBytes(StandardCharsets.UTF_8);
        // Pad with spaces so that the data, which starts at 8 + N, is 8-byte aligned: every element
        // can then be read in place (the reference writer does the same).
        int padded = (raw.length + 7) / 8 * 8;
        byte[] header = new byte[padded];
        System.arraycopy(raw, 0, header, 0, raw.length);
        for (int i = raw.length; i < padded; i++) {
            header[i] = ' ';
        }
        return new Prepared(header, order, offset);
    }

    private static void checkEncodable(String s, String what) {
        try {
            StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("safetensors: " + what + " '" + s
                    + "' is not valid Unicode (unpaired surrogate)", e);
        }
    }

    /** Streams one tensor through {@code chunk}, little-endian, keeping raw bits (NaN payloads included). */
    private static void writeData(WritableByteChannel ch, HostArray values, ByteBuffer chunk) throws IOException {
        HostArray a = values.dense();
        int n = a.size();
        int per = CHUNK / a.dtype().byteSize();
        for (int from = 0; from < n; from += per) {
            int count = Math.min(per, n - from);
            chunk.clear();
            // The typed views copy with raw bits (putFloat uses floatToRawIntBits), and bulk puts
            // avoid a per-element call through the buffer's bounds checks.
            if (a instanceof HostArray.F32 f) {
                chunk.asFloatBuffer().put(f.data(), from, count);
                chunk.limit(count * 4);
            } else if (a instanceof HostArray.F64 d) {
                chunk.asDoubleBuffer().put(d.data(), from, count);
                chunk.limit(count * 8);
            } else if (a instanceof HostArray.I32 i) {
                chunk.asIntBuffer().put(i.data(), from, count);
                chunk.limit(count * 4);
            } else if (a instanceof HostArray.I64 l) {
                chunk.asLongBuffer().put(l.data(), from, count);
                chunk.limit(count * 8);
            } else if (a instanceof HostArray.Bool b) {
                boolean[] data = b.data();
                for (int k = 0; k < count; k++) {
                    chunk.put(k, data[from + k] ? (byte) 1 : (byte) 0);
                }
                chunk.limit(count);
            } else {
                throw new IllegalArgumentException("unsupported host array " + a.getClass());
            }
            chunk.position(0);
            DurableFiles.writeFully(ch, chunk);
        }
    }

    // ---------------------------------------------------------------- reading

    /** Reads and validates a whole file; see the class comment for what is checked. */
    public static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, null, "file not found", e);
        }
    }

    /** Reads from a channel positioned anywhere; {@code file} is only used in error messages. */
    static Contents read(SeekableByteChannel ch, Path file) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new CheckpointException(file, null, "truncated: the file has " + size
                    + " bytes, fewer than the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0, file, null);
        long n = lenBuf.getLong(0);
        // The length is unsigned: a negative long is a value above 2^63, certainly beyond the file.
        if (n < 0 || n > size - 8) {
            throw new CheckpointException(file, null, "truncated or corrupt: the header length is "
                    + Long.toUnsignedString(n) + " bytes but only " + (size - 8) + " bytes follow it");
        }
        if (n > MAX_HEADER_BYTES) {
            throw new CheckpointException(file, null, "header of " + n + " bytes exceeds the limit of " + MAX_HEADER_BYTES);
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
        readFully(ch, headerBuf, 8, file, null);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBuf.flip()).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file, null, "the header is not valid UTF-8", e);
        }
        Object parsed;
        try {
            parsed = Json.parse(text, false);
        } catch (Json.SyntaxException e) {
            throw new CheckpointException(file, e.path(), "bad header: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new CheckpointException(file, null, "bad header: expected a JSON object");
        }

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : root.entrySet()) {
            String key = (String) e.getKey();
            if (key.equals(METADATA_KEY)) {
                if (!(e.getValue() instanceof Map<?, ?> meta)) {
                    throw new CheckpointException(file, key, "expected an object of string values");
                }
                for (Map.Entry<?, ?> m : meta.entrySet()) {
                    if (!(m.getValue() instanceof String value)) {
                        throw new CheckpointException(file, METADATA_KEY + "." + m.getKey(),
                                "metadata values must be strings, found " + Json.write(m.getValue(), false));
                    }
                    metadata.put((String) m.getKey(), value);
                }
                continue;
            }
            entries.add(parseEntry(file, key, e.getValue()));
        }

        // Offsets must tile the data area exactly, in order and without gaps, as the reference
        // reader requires; sorting by begin lets overlaps and gaps be named by their tensors.
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long dataLength = size - 8 - n;
        long expected = 0;
        Entry previous = null;
        for (Entry e : byOffset) {
            if (e.begin < expected) {
                throw new CheckpointException(file, e.name, "data_offsets [" + e.begin + ", " + e.end
                        + "] overlap tensor '" + previous.name + "' [" + previous.begin + ", " + previous.end + "]");
            }
            if (e.begin > expected) {
                throw new CheckpointException(file, e.name, "data_offsets [" + e.begin + ", " + e.end
                        + "] leave a gap: the previous tensor ends at " + expected);
            }
            if (e.end > dataLength) {
                throw new CheckpointException(file, e.name, "truncated: data_offsets [" + e.begin + ", " + e.end
                        + "] reach beyond the " + dataLength + " data bytes in the file");
            }
            expected = e.end;
            previous = e;
        }
        if (expected != dataLength) {
            throw new CheckpointException(file, previous == null ? null : previous.name, (dataLength - expected)
                    + " bytes of trailing garbage after the last tensor's data (which ends at " + expected
                    + " of " + dataLength + ")");
        }

        Map<String, HostArray> tensors = new LinkedHashMap<>();
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : byOffset) {
            tensors.put(e.name, readData(ch, 8 + n + e.begin, e, chunk, file));
        }
        return new Contents(tensors, metadata);
    }

    private record Entry(String name, DType dtype, Shape shape, long begin, long end) {
    }

    private static Entry parseEntry(Path file, String key, Object value) throws CheckpointException {
        if (!(value instanceof Map<?, ?> info)) {
            throw new CheckpointException(file, key, "expected an object with dtype, shape and data_offsets");
        }
        for (Object field : info.keySet()) {
            if (!field.equals("dtype") && !field.equals("shape") && !field.equals("data_offsets")) {
                throw new CheckpointException(file, key, "unknown field '" + field + "'");
            }
        }
        if (!(info.get("dtype") instanceof String dtypeName)) {
            throw new CheckpointException(file, key, "missing or non-string 'dtype'");
        }
        DType dtype;
        try {
            dtype = DType.fromSafetensorsName(dtypeName);
        } catch (IllegalArgumentException ex) {
            throw new CheckpointException(file, key, "unknown or unsupported dtype '" + dtypeName
                    + "'; Lightning4J reads BOOL, I32, I64, F32 and F64", ex);
        }
        if (!(info.get("shape") instanceof List<?> shapeList)) {
            throw new CheckpointException(file, key, "missing or non-array 'shape'");
        }
        long[] dims = new long[shapeList.size()];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            if (!(shapeList.get(i) instanceof Long d) || d < 0) {
                throw new CheckpointException(file, key, "shape " + Json.write(shapeList, false)
                        + ": dimension " + i + " is not a non-negative integer");
            }
            dims[i] = d;
            try {
                numel = Math.multiplyExact(numel, d);
            } catch (ArithmeticException ex) {
                throw new CheckpointException(file, key, "shape " + Json.write(shapeList, false) + " overflows");
            }
        }
        if (numel > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(file, key, "shape " + Json.write(shapeList, false) + " has " + numel
                    + " elements, more than a Java array holds");
        }
        if (!(info.get("data_offsets") instanceof List<?> offsets) || offsets.size() != 2
                || !(offsets.get(0) instanceof Long begin) || !(offsets.get(1) instanceof Long end)) {
            throw new CheckpointException(file, key, "'data_offsets' must be [begin, end] with integer values, found "
                    + Json.write(info.get("data_offsets"), false));
        }
        if (begin < 0 || end < begin) {
            throw new CheckpointException(file, key, "data_offsets [" + begin + ", " + end + "] are out of range");
        }
        long bytes = numel * dtype.byteSize();
        if (end - begin != bytes) {
            throw new CheckpointException(file, key, "data_offsets [" + begin + ", " + end + "] span " + (end - begin)
                    + " bytes but " + dtypeName + " " + Json.write(shapeList, false) + " needs " + bytes);
        }
        return new Entry(key, dtype, Shape.of(dims), begin, end);
    }

    private static HostArray readData(SeekableByteChannel ch, long position, Entry e, ByteBuffer chunk, Path file)
            throws IOException {
        int n = Math.toIntExact(e.shape.numel());
        int size = e.dtype.byteSize();
        int per = CHUNK / size;
        float[] f = e.dtype == DType.FLOAT32 ? new float[n] : null;
        double[] d = e.dtype == DType.FLOAT64 ? new double[n] : null;
        int[] i32 = e.dtype == DType.INT32 ? new int[n] : null;
        long[] i64 = e.dtype == DType.INT64 ? new long[n] : null;
        boolean[] b = e.dtype == DType.BOOL ? new boolean[n] : null;
        for (int from = 0; from < n; from += per) {
            int count = Math.min(per, n - from);
            chunk.clear().limit(count * size);
            readFully(ch, chunk, position + (long) from * size, file, e.name);
            chunk.flip();
            switch (e.dtype) {
                case FLOAT32: chunk.asFloatBuffer().get(f, from, count); break;
                case FLOAT64: chunk.asDoubleBuffer().get(d, from, count); break;
                case INT32: chunk.asIntBuffer().get(i32, from, count); break;
                case INT64: chunk.asLongBuffer().get(i64, from, count); break;
                case BOOL:
                    for (int k = 0; k < count; k++) {
                        byte v = chunk.get(k);
                        if (v != 0 && v != 1) {
                            throw new CheckpointException(file, e.name, "element " + (from + k)
                                    + " is the byte " + (v & 0xFF) + "; BOOL values must be 0 or 1");
                        }
                        b[from + k] = v == 1;
                    }
                    break;
                default:
                    throw new IllegalStateException("unhandled dtype " + e.dtype);
            }
        }
        switch (e.dtype) {
            case FLOAT32: return new HostArray.F32(f, e.shape);
            case FLOAT64: return new HostArray.F64(d, e.shape);
            case INT32: return new HostArray.I32(i32, e.shape);
            case INT64: return new HostArray.I64(i64, e.shape);
            default: return new HostArray.Bool(b, e.shape);
        }
    }

    private static void readFully(SeekableByteChannel ch, ByteBuffer buf, long position, Path file, String key)
            throws IOException {
        ch.position(position);
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                // The size was checked up front, so this means the file shrank while being read.
                throw new CheckpointException(file, key, "truncated: unexpected end of file at byte " + ch.position());
            }
        }
    }

    /** A growable in-memory channel for {@link #toBytes}. */
    private static final class ByteArrayChannel implements WritableByteChannel {
        private byte[] bytes;
        private int size;

        ByteArrayChannel(int capacity) {
            bytes = new byte[capacity];
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            if (size + n > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
            }
            src.get(bytes, size, n);
            size += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
