package dev.lightning4j.tensorflow;

import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Operation;

/**
 * Frees the native memory of an eager op's results now. TF Java ties eager handles to the
 * {@link org.tensorflow.EagerSession} and otherwise frees them only when the garbage collector
 * notices; native tensors are invisible to the Java heap, so a long-lived session could hold
 * gigabytes before a GC. TF Java 1.1 offers no public way to release one op's results, so this
 * reaches the (stable since 0.3) private fields {@code EagerOperation.outputHandles},
 * {@code outputTensors}, {@code opHandle} and {@code RawTensor.tensorHandle}. If those fields ever disappear it logs
 * once and falls back to the garbage collector, which is still correct, only lazier.
 */
final class EagerRelease {
    private static final Logger LOG = LoggerFactory.getLogger(EagerRelease.class);
    private static final Field OUTPUT_HANDLES;
    private static final Field OUTPUT_TENSORS;
    private static final Field RAW_HANDLE;
    private static final Field OP_HANDLE;

    static {
        Field handles = null;
        Field tensors = null;
        Field raw = null;
        Field opHandle = null;
        try {
            Class<?> eagerOp = Class.forName("org.tensorflow.EagerOperation");
            handles = eagerOp.getDeclaredField("outputHandles");
            handles.setAccessible(true);
            tensors = eagerOp.getDeclaredField("outputTensors");
            tensors.setAccessible(true);
            opHandle = eagerOp.getDeclaredField("opHandle");
            opHandle.setAccessible(true);
            raw = Class.forName("org.tensorflow.RawTensor").getDeclaredField("tensorHandle");
            raw.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("cannot release eager TensorFlow tensors eagerly ({}); relying on the garbage collector", e.toString());
            handles = null;
            tensors = null;
            raw = null;
            opHandle = null;
        }
        OUTPUT_HANDLES = handles;
        OUTPUT_TENSORS = tensors;
        RAW_HANDLE = raw;
        OP_HANDLE = opHandle;
    }

    private EagerRelease() {
    }

    /** Frees the results of eager op {@code op}; the op must not be used afterwards. */
    static void release(Operation op) {
        if (OUTPUT_HANDLES == null) {
            return;
        }
        try {
            AtomicReferenceArray<?> resolved = (AtomicReferenceArray<?>) OUTPUT_TENSORS.get(op);
            for (int i = 0; i < resolved.length(); i++) {
                Object t = resolved.getAndSet(i, null);
                if (t instanceof org.tensorflow.Tensor tensor) {
                    Object handle = RAW_HANDLE.get(tensor.asRawTensor());
                    if (handle instanceof Pointer p && !p.isNull()) {
                        p.deallocate();
                    }
                }
            }
            Object[] handles = (Object[]) OUTPUT_HANDLES.get(op);
            for (Object h : handles) {
                if (h instanceof Pointer p && !p.isNull()) {
                    p.deallocate();
                }
            }
            // The executed op itself (its attributes and inputs) is no longer needed either.
            if (OP_HANDLE.get(op) instanceof Pointer p && !p.isNull()) {
                p.deallocate();
            }
        } catch (IllegalAccessException e) {
            LOG.debug("could not release eager op {}", op.name(), e);
        }
    }
}
