package dev.lightning4j.loggers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, as TensorFlow's {@code RecordWriter}: {@code uint64} length (little endian),
 * masked CRC-32C of those 8 bytes, the data, masked CRC-32C of the data; both CRCs as
 * little-endian {@code uint32}.
 */
final class TfRecord {
    /** Bytes a record adds around its data. */
    static final int OVERHEAD = 8 + 4 + 4;

    private static final int MASK_DELTA = 0xa282ead8;

    private TfRecord() {}

    /** {@code data} framed as one record. */
    static byte[] frame(byte[] data) {
        ByteBuffer buf = ByteBuffer.allocate(OVERHEAD + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(data.length);
        buf.putInt(maskedCrc(buf.array(), 0, 8));
        buf.put(data);
        buf.putInt(maskedCrc(data, 0, data.length));
        return buf.array();
    }

    /** TensorFlow's masked CRC-32C of {@code length} bytes of {@code data} from {@code offset}. */
    static int maskedCrc(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }
}
