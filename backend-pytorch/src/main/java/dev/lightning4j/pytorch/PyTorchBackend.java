package dev.lightning4j.pytorch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.CompiledStep;
import dev.lightning4j.backend.DeterminismControl;
import dev.lightning4j.backend.Kernels;
import dev.lightning4j.backend.NativeTensor;
import dev.lightning4j.backend.StepFunction;
import dev.lightning4j.backend.TensorScope;
import dev.lightning4j.backend.Variable;
import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Device;
import dev.lightning4j.tensor.HostArray;
import dev.lightning4j.tensor.Shape;
import dev.lightning4j.tensor.Tensor;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The libtorch engine, through DJL's PyTorch engine, run eagerly.
 *
 * <p><b>Memory.</b> Every tensor belongs to a DJL {@link NDManager}: the innermost open
 * {@link TensorScope} of the calling thread (a child manager per scope), or, with no scope open,
 * this backend's root manager, which frees them when the backend closes. DJL attaches an op's result
 * to its first operand's manager; {@link #own} re-attaches results whose first operand lives
 * elsewhere (a variable, an outer scope), so nothing leaks into a variable's manager. Variables live
 * in a separate long-lived manager.
 *
 * <p><b>Grad mode.</b> libtorch's grad mode is thread-local and on by default; DJL turns it off only
 * on the thread that loads the engine. This backend turns it off on every thread the first time
 * that thread uses it, so ops outside {@code valueAndGrad} never build autograd graphs.
 *
 * <p>Instances are made by Guice ({@link PyTorchModule}) or directly; each owns its managers and
 * must be closed.
 *
 * <p><b>Optional features.</b> {@link DeterminismControl} (see {@link #setDeterministic}); there is no
 * JIT compilation, so this backend does not implement {@link dev.lightning4j.backend.JitCompilation}.
 */
public final class PyTorchBackend implements Backend, DeterminismControl {

    static {
        // DJL must never reach the network: natives come from the pytorch-native-cpu jar. This must
        // happen before DJL's engine first loads, which is at the earliest in our constructor.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    /** The DJL engine name. */
    static final String ENGINE_NAME = "PyTorch";

    private static final ai.djl.ndarray.types.Shape SCALAR_SHAPE = new ai.djl.ndarray.types.Shape();

    private final Engine engine;
    private final PtNDManager rootManager;
    private final PtNDManager variableManager;
    private final ThreadLocal<ThreadState> threads;
    private final PtKernels kernels;
    private final List<Device> devices;
    private final Set<PtVariable> trainables = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong marks = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;
    private volatile boolean deterministic;

    /** Per-thread state: the scope stack, whether gradients are being recorded, a staging buffer. */
    static final class ThreadState {
        PtScope top;
        boolean recording;
        ByteBuffer staging;
    }

    /** Loads libtorch (offline) and creates the backend's managers. */
    @Inject
    public PyTorchBackend() {
        try {
            this.engine = Engine.getEngine(ENGINE_NAME);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot load DJL's PyTorch engine offline: " + e.getMessage()
                    + "; the pytorch-jni and pytorch-native-cpu (" + System.getProperty("os.name") + "/"
                    + System.getProperty("os.arch") + ") jars must be on the runtime classpath", e);
        }
        this.rootManager = (PtNDManager) engine.newBaseManager(ai.djl.Device.cpu());
        this.variableManager = (PtNDManager) engine.newBaseManager(ai.djl.Device.cpu());
        this.threads = ThreadLocal.withInitial(() -> {
            JniUtils.setGradMode(false);
            return new ThreadState();
        });
        this.kernels = new PtKernels(this);
        List<Device> found = new ArrayList<>();
        found.add(Device.cpu());
        int gpus = engine.getGpuCount();
        for (int i = 0; i < gpus; i++) {
            found.add(Device.cuda(i));
        }
        this.devices = List.copyOf(found);
        threads.get(); // grad mode off on the constructing thread too
    }

    @Override
    public String name() {
        return "pytorch";
    }

    @Override
    public List<Device> devices() {
        return devices;
    }

    @Override
    public Kernels kernels() {
        return kernels;
    }

    /** The DJL engine, for tests and diagnostics. */
    Engine engine() {
        return engine;
    }

    // ------------------------------------------------------------------ ownership

    ThreadState thread() {
        return threads.get();
    }

    /** The manager that owns tensors created now on this thread. */
    PtNDManager currentManager() {
        PtScope top = threads.get().top;
        return top != null ? top.manager() : rootManager;
    }

    /** Wraps an op's result, moving it to the current scope if DJL attached it elsewhere. */
    PtTensor own(PtNDArray result, DType dtype, Device device) {
        PtNDManager m = currentManager();
        if (result.getManager() != m) {
            result.attach(m);
        }
        return new PtTensor(result, dtype, device);
    }

    /**
     * As {@link #own(PtNDArray, DType, Device)} with the result's shape when the caller knows it
     * (null otherwise): an elementwise op's shape follows from its operands', and passing it saves
     * the JNI shape query the API would otherwise make on nearly every new tensor.
     */
    PtTensor own(PtNDArray result, DType dtype, Device device, Shape shape) {
        PtNDManager m = currentManager();
        if (result.getManager() != m) {
            result.attach(m);
        }
        return new PtTensor(result, dtype, device, shape, false);
    }

    /** The backend's own tensor behind {@code t}; fails for another backend's. */
    PtTensor unwrap(NativeTensor t, String op) {
        if (t instanceof PtTensor pt) {
            return pt;
        }
        throw new IllegalArgumentException(op + ": expected a tensor of the pytorch backend, got "
                + (t == null ? "null" : t.getClass().getName()));
    }

    /** Live arrays in the root (scoped results) and variable managers, for tests of ownership. */
    int liveArrayCount() {
        return rootManager.getManagedArrays().size() + variableManager.getManagedArrays().size();
    }

    /** Live arrays owned by variables. */
    int variableArrayCount() {
        return variableManager.getManagedArrays().size();
    }

    // ------------------------------------------------------------------ host transfer

    @Override
    public NativeTensor fromHost(HostArray data, Device device) {
        checkOpen();
        PtNDManager m = currentManager();
        return new PtTensor(createArray(data, device, m), data.dtype(), device, data.shape(), false);
    }

    /**
     * Copies host data into a new array owned by {@code manager}. On the CPU the values are written
     * straight into a new libtorch tensor's memory (one copy, no buffer left for the garbage
     * collector); for another device they are staged in a reusable per-thread direct buffer and moved.
     */
    PtNDArray createArray(HostArray data, Device device, PtNDManager manager) {
        DType dtype = data.dtype();
        int n = data.size();
        ai.djl.ndarray.types.Shape shape = djlShape(data.shape());
        DataType type = PtTypes.toDjl(dtype);
        if (device.type() == Device.Type.CPU && n > 0) {
            PtNDArray out = JniUtils.createEmptyNdArray(manager, shape, type, ai.djl.Device.cpu(), SparseFormat.DENSE);
            try {
                write(JniUtils.getByteBuffer(out, true), data);
                return out;
            } catch (RuntimeException e) {
                out.close();
                throw e;
            }
        }
        int bytes = n * dtype.byteSize();
        ThreadState st = threads.get();
        ByteBuffer buf = st.staging;
        if (buf == null || buf.capacity() < bytes) {
            buf = ByteBuffer.allocateDirect(Math.max(Integer.highestOneBit(Math.max(bytes, 1) - 1) << 1, 256))
                    .order(ByteOrder.nativeOrder());
            st.staging = buf;
        }
        buf.clear();
        write(buf, data);
        buf.position(0).limit(bytes);
        ByteBuffer slice = buf.slice().order(ByteOrder.nativeOrder());
        // from_blob over the staging buffer (no copy), then a libtorch-owned copy on the device.
        PtNDArray blob = JniUtils.createNdFromByteBuffer(manager, slice, shape, type, SparseFormat.DENSE,
                ai.djl.Device.cpu());
        try {
            if (device.type() == Device.Type.CPU) {
                return JniUtils.clone(blob);
            }
            PtNDArray moved = JniUtils.to(blob, type, PtTypes.toDjl(device));
            adopt(moved, manager, manager);
            return moved;
        } finally {
            blob.close();
        }
    }

    /** Writes the values of {@code data} at the start of {@code buf} (native order), without moving its position. */
    private static void write(ByteBuffer buf, HostArray data) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.nativeOrder());
        b.clear();
        if (data instanceof HostArray.RowSelection sel) {
            writeRows(b, sel);
        } else if (data instanceof HostArray.F32 f) {
            b.asFloatBuffer().put(f.data());
        } else if (data instanceof HostArray.F64 f) {
            b.asDoubleBuffer().put(f.data());
        } else if (data instanceof HostArray.I32 f) {
            b.asIntBuffer().put(f.data());
        } else if (data instanceof HostArray.I64 f) {
            b.asLongBuffer().put(f.data());
        } else if (data instanceof HostArray.Bool f) {
            boolean[] v = f.data();
            for (int i = 0; i < v.length; i++) {
                b.put(i, v[i] ? (byte) 1 : (byte) 0);
            }
        } else {
            throw new IllegalArgumentException("fromHost: unsupported host array " + data.getClass().getName());
        }
    }

    /** Writes a row selection's rows from its source, each run of consecutive rows one bulk copy. */
    private static void writeRows(ByteBuffer b, HostArray.RowSelection sel) {
        HostArray src = sel.source();
        if (src instanceof HostArray.F32 f) {
            FloatBuffer dst = b.asFloatBuffer();
            sel.forEachRun((from, to, n) -> dst.put(to, f.data(), from, n));
        } else if (src instanceof HostArray.F64 f) {
            DoubleBuffer dst = b.asDoubleBuffer();
            sel.forEachRun((from, to, n) -> dst.put(to, f.data(), from, n));
        } else if (src instanceof HostArray.I32 f) {
            IntBuffer dst = b.asIntBuffer();
            sel.forEachRun((from, to, n) -> dst.put(to, f.data(), from, n));
        } else if (src instanceof HostArray.I64 f) {
            LongBuffer dst = b.asLongBuffer();
            sel.forEachRun((from, to, n) -> dst.put(to, f.data(), from, n));
        } else {
            write(b, sel.dense());
        }
    }

    /**
     * Moves a result of DJL's {@code to} (whose operand lived in {@code source}) to {@code target}.
     * For a device change DJL makes a fresh sub-manager of {@code source} per call; it is closed here
     * so that it does not pile up.
     */
    void adopt(PtNDArray array, NDManager source, PtNDManager target) {
        NDManager was = array.getManager();
        if (was != target) {
            array.attach(target);
            if (was != source) {
                was.close();
            }
        }
    }

    @Override
    public HostArray toHost(NativeTensor tensor) {
        checkOpen();
        PtTensor pt = unwrap(tensor, "toHost");
        PtNDArray a = pt.array();
        Shape shape = pt.shape();
        DType dtype = pt.dtype();
        int n = Math.toIntExact(shape.numel());
        PtNDArray cpu = a;
        if (pt.device().type() != Device.Type.CPU) {
            cpu = JniUtils.to(a, a.getDataType(), ai.djl.Device.cpu());
        }
        ByteBuffer bb;
        try {
            bb = cpu.toByteBuffer();
        } finally {
            if (cpu != a) {
                cpu.close();
            }
        }
        bb.order(ByteOrder.nativeOrder());
        switch (dtype) {
            case FLOAT32: {
                float[] v = new float[n];
                bb.asFloatBuffer().get(v);
                return new HostArray.F32(v, shape);
            }
            case FLOAT64: {
                double[] v = new double[n];
                bb.asDoubleBuffer().get(v);
                return new HostArray.F64(v, shape);
            }
            case INT32: {
                int[] v = new int[n];
                bb.asIntBuffer().get(v);
                return new HostArray.I32(v, shape);
            }
            case INT64: {
                long[] v = new long[n];
                bb.asLongBuffer().get(v);
                return new HostArray.I64(v, shape);
            }
            case BOOL: {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = bb.get(i) != 0;
                }
                return new HostArray.Bool(v, shape);
            }
            default:
                throw new IllegalStateException("toHost: unsupported dtype " + dtype);
        }
    }

    static ai.djl.ndarray.types.Shape djlShape(Shape shape) {
        return shape.rank() == 0 ? SCALAR_SHAPE : new ai.djl.ndarray.types.Shape(shape.dims());
    }

    static ai.djl.ndarray.types.Shape djlShape(long[] dims) {
        return dims.length == 0 ? SCALAR_SHAPE : new ai.djl.ndarray.types.Shape(dims);
    }

    // ------------------------------------------------------------------ variables

    @Override
    public Variable newVariable(String name, HostArray initial, boolean trainable, Device device) {
        checkOpen();
        if (trainable && !initial.dtype().isFloating()) {
            throw new IllegalArgumentException("newVariable '" + name + "': a trainable variable must be"
                    + " FLOAT32 or FLOAT64, got " + initial.dtype());
        }
        PtNDArray array = createArray(initial, device, variableManager);
        if (trainable) {
            array.setRequiresGradient(true);
        }
        PtVariable v = new PtVariable(this, name, array, initial.dtype(), initial.shape(), device, trainable);
        if (trainable) {
            trainables.add(v);
        }
        return v;
    }

    /** The trainable variables that are open, for valueAndGrad. */
    Set<PtVariable> trainables() {
        return trainables;
    }

    /** A fresh stamp for marking the variables requested by one valueAndGrad call. */
    long nextMark() {
        return marks.incrementAndGet();
    }

    void forget(PtVariable v) {
        trainables.remove(v);
    }

    private static final long[] ONE = {1};
    private static final long[] ZERO = {0};

    /**
     * Copies {@code value} into {@code target} in place, outside gradient recording (torch.no_grad):
     * {@code index_put_} with a full slice per dimension is libtorch's {@code copy_}, the closest
     * binding DJL has. libtorch rejects an empty index list, so a 0-dimensional target is copied
     * through 1-element views.
     */
    void copyInto(PtNDArray target, PtNDArray value, long[] min, long[] max, long[] step) {
        ThreadState st = threads.get();
        if (st.recording) {
            JniUtils.setGradMode(false);
        }
        try {
            if (min.length > 0) {
                JniUtils.indexSet(target, value, min, max, step);
            } else {
                PtNDArray t = JniUtils.reshape(target, ONE);
                PtNDArray v = JniUtils.reshape(value, ONE);
                try {
                    JniUtils.indexSet(t, v, ZERO, ONE, ONE);
                } finally {
                    v.close();
                    t.close();
                }
            }
        } finally {
            if (st.recording) {
                JniUtils.setGradMode(true);
            }
        }
    }

    /**
     * Runs {@code body} with gradient recording off (torch.no_grad), restoring it after: in-place
     * updates of variables must not be recorded, even when they happen inside valueAndGrad.
     */
    void withoutGrad(Runnable body) {
        ThreadState st = threads.get();
        if (st.recording) {
            JniUtils.setGradMode(false);
        }
        try {
            body.run();
        } finally {
            if (st.recording) {
                JniUtils.setGradMode(true);
            }
        }
    }

    // ------------------------------------------------------------------ scopes and steps

    @Override
    public TensorScope newScope() {
        checkOpen();
        ThreadState st = threads.get();
        PtScope parent = st.top;
        PtNDManager parentManager = parent != null ? parent.manager() : rootManager;
        PtScope scope = new PtScope(this, st, parent, parentManager, parentManager.newSubManager(parentManager.getDevice()));
        st.top = scope;
        return scope;
    }

    @Override
    public CompiledStep compile(String name, Device device, StepFunction fn) {
        checkOpen();
        if (!devices.contains(device)) {
            throw new IllegalArgumentException("compile '" + name + "': device " + device
                    + " is not available to the pytorch backend; available: " + devices);
        }
        return new PtCompiledStep(this, name, device, fn);
    }

    /** Wraps a native tensor of this backend as a user tensor. */
    Tensor wrap(NativeTensor t) {
        return Tensor.wrap(this, t);
    }

    @Override
    public void manualSeed(long seed) {
        JniUtils.setSeed(seed);
    }

    /**
     * {@inheritDoc}
     *
     * <p>What DJL 0.36 lets this backend control. Its JNI binds neither
     * {@code torch.use_deterministic_algorithms} nor {@code torch.backends.cudnn.deterministic}, so
     * kernels that are nondeterministic by design (atomics-based CUDA kernels such as
     * {@code index_add} or {@code scatter_add} backward) cannot be swapped or made to fail as in
     * Python. What it does: turns cuDNN's benchmark autotuning off, which otherwise picks convolution
     * algorithms by timing and so can differ between runs ({@code off} restores DJL's default, the
     * {@code ai.djl.pytorch.cudnn_benchmark} property). Seeding stays with {@link #manualSeed}
     * ({@code torch.manual_seed}, which the Trainer calls for every run).
     *
     * <p>Thread counts are deliberately left alone: libtorch's CPU kernels already give the same bits
     * run after run with a fixed number of intra-op threads, while the counts are process-wide (one
     * thread would slow every model in the JVM) and the inter-op count cannot be changed at all once
     * any parallel work has started. Results can therefore differ between machines with different
     * core counts, as in PyTorch.
     */
    @Override
    public void setDeterministic(boolean on) {
        checkOpen();
        JniUtils.setBenchmarkCuDNN(!on && Boolean.getBoolean("ai.djl.pytorch.cudnn_benchmark"));
        if (on && devices.size() > 1) {
            org.slf4j.LoggerFactory.getLogger(PyTorchBackend.class).warn("deterministic mode on CUDA: cuDNN "
                    + "benchmarking is off, but DJL does not expose torch.use_deterministic_algorithms, so atomics-based "
                    + "CUDA kernels may still differ between runs");
        }
        deterministic = on;
    }

    @Override
    public boolean isDeterministic() {
        return deterministic;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the pytorch backend has been closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        trainables.clear();
        variableManager.close();
        rootManager.close();
        threads.remove();
    }

    @Override
    public String toString() {
        return "PyTorchBackend(" + engine.getVersion() + ", devices " + devices + ")";
    }
}
