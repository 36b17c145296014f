package dev.lightning4j.loggers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent reader for the tests: splits a TFRecord file, checking both CRCs with a bitwise
 * CRC-32C (not java.util.zip), and decodes protocol buffers into field-number trees.
 */
final class EventFileReader {
    private EventFileReader() {}

    /** The records of {@code file}; fails on a bad CRC or a truncated record. */
    static List<byte[]> records(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> records = new ArrayList<>();
        while (buf.hasRemaining()) {
            if (buf.remaining() < 12) {
                throw new IllegalStateException("Truncated record header at " + buf.position());
            }
            byte[] header = new byte[8];
            buf.get(header);
            long length = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong();
            int lengthCrc = buf.getInt();
            if (lengthCrc != maskedCrc(header)) {
                throw new IllegalStateException("Bad length CRC at record " + records.size());
            }
            if (length < 0 || buf.remaining() < length + 4) {
                throw new IllegalStateException("Truncated record " + records.size());
            }
            byte[] data = new byte[(int) length];
            buf.get(data);
            int dataCrc = buf.getInt();
            if (dataCrc != maskedCrc(data)) {
                throw new IllegalStateException("Bad data CRC at record " + records.size());
            }
            records.add(data);
        }
        return records;
    }

    /** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit. */
    static int crc32c(byte[] data) {
        int crc = 0xffffffff;
        for (byte b : data) {
            crc ^= b & 0xff;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
            }
        }
        return ~crc;
    }

    /** TensorFlow's mask: rotate right by 15 and add 0xa282ead8. */
    static int maskedCrc(byte[] data) {
        int c = crc32c(data);
        return Integer.rotateRight(c, 15) + 0xa282ead8;
    }

    /** A decoded message: every field number's values, in order. */
    static final class Msg {
        final Map<Integer, List<Object>> fields = new LinkedHashMap<>();

        List<Object> all(int field) {
            return fields.getOrDefault(field, List.of());
        }

        boolean has(int field) {
            return fields.containsKey(field);
        }

        Object one(int field) {
            List<Object> values = all(field);
            if (values.size() != 1) {
                throw new AssertionError("Field " + field + " has " + values.size() + " values: " + fields.keySet());
            }
            return values.get(0);
        }

        long varint(int field) {
            return (Long) one(field);
        }

        double dbl(int field) {
            return Double.longBitsToDouble(((Fixed64) one(field)).bits());
        }

        float flt(int field) {
            return Float.intBitsToFloat(((Fixed32) one(field)).bits());
        }

        byte[] bytes(int field) {
            return (byte[]) one(field);
        }

        String str(int field) {
            return new String(bytes(field), StandardCharsets.UTF_8);
        }

        Msg msg(int field) {
            return parse(bytes(field));
        }

        List<Msg> msgs(int field) {
            List<Msg> out = new ArrayList<>();
            for (Object o : all(field)) {
                out.add(parse((byte[]) o));
            }
            return out;
        }
    }

    /** A fixed64 field's bits. */
    record Fixed64(long bits) {}

    /** A fixed32 field's bits. */
    record Fixed32(int bits) {}

    /** Decodes one message, failing on malformed input. */
    static Msg parse(byte[] data) {
        Msg msg = new Msg();
        int[] pos = {0};
        while (pos[0] < data.length) {
            long key = readVarint(data, pos);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field < 1) {
                throw new IllegalStateException("Bad field number " + field);
            }
            Object value;
            switch (wire) {
                case 0:
                    value = readVarint(data, pos);
                    break;
                case 1:
                    value = new Fixed64(ByteBuffer.wrap(data, take(data, pos, 8), 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
                    break;
                case 2:
                    int len = (int) readVarint(data, pos);
                    int start = take(data, pos, len);
                    byte[] bytes = new byte[len];
                    System.arraycopy(data, start, bytes, 0, len);
                    value = bytes;
                    break;
                case 5:
                    value = new Fixed32(ByteBuffer.wrap(data, take(data, pos, 4), 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
                    break;
                default:
                    throw new IllegalStateException("Unexpected wire type " + wire);
            }
            msg.fields.computeIfAbsent(field, k -> new ArrayList<>()).add(value);
        }
        return msg;
    }

    private static int take(byte[] data, int[] pos, int n) {
        if (n < 0 || pos[0] + n > data.length) {
            throw new IllegalStateException("Truncated field");
        }
        int start = pos[0];
        pos[0] += n;
        return start;
    }

    private static long readVarint(byte[] data, int[] pos) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= data.length) {
                throw new IllegalStateException("Truncated varint");
            }
            int b = data[pos[0]++] & 0xff;
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalStateException("Varint too long");
    }
}
