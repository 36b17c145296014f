package dev.lightning4j.collective;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Server;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.ServerDef;

/**
 * The one place that reaches below TensorFlow Java's public API, so that a TensorFlow upgrade
 * breaks here and nowhere else (the test {@code TfNativeSessionsTest} checks each assumption).
 *
 * <ul>
 *   <li>A {@link Session} cannot be pointed at a server target through its public constructors (its
 *       private allocation path passes no target), so the session is created through the C API
 *       bindings ({@code TF_NewSessionOptions}, {@code TF_SetTarget}, {@code TF_SetConfig},
 *       {@code TF_NewSession}) exactly as {@code Session.allocate} does, and wrapped with Session's
 *       package-private {@code Session(Graph, TF_Session)} constructor. The graph's native handle
 *       comes from the package-private {@code Graph.ref()}.</li>
 *   <li>The gRPC server is created and started with the public C API bindings
 *       ({@code TF_NewServer}, {@code TF_ServerStart}, {@code TF_ServerTarget}); TensorFlow Java has
 *       no Java wrapper for it.</li>
 * </ul>
 */
public final class TfNativeSessions {
    private static final Constructor<Session> WRAP_SESSION;
    private static final Method GRAPH_REF;

    static {
        try {
            WRAP_SESSION = Session.class.getDeclaredConstructor(Graph.class, TF_Session.class);
            WRAP_SESSION.setAccessible(true);
            GRAPH_REF = Graph.class.getDeclaredMethod("ref");
            GRAPH_REF.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("this TensorFlow Java version no longer has Session(Graph, TF_Session) "
                    + "or Graph.ref(), which distributed training needs to open a session on a server target: " + e);
        }
    }

    private TfNativeSessions() {
    }

    /** A started in-process gRPC server and its session target ({@code grpc://host:port}). */
    public record Server(TF_Server handle, String target) {
    }

    /** Creates and starts the server {@code def} describes. It serves until the process exits. */
    public static Server startServer(ServerDef def) {
        try (PointerScope scope = new PointerScope()) {
            TF_Status status = TF_Status.newStatus();
            byte[] bytes = def.toByteArray();
            TF_Server server = tensorflow.TF_NewServer(new BytePointer(bytes), bytes.length, status);
            status.throwExceptionIfNotOK();
            tensorflow.TF_ServerStart(server, status);
            status.throwExceptionIfNotOK();
            String target = tensorflow.TF_ServerTarget(server).getString();
            // Never deleted: TF_DeleteServer stops and joins, which TensorFlow cannot do cleanly for a
            // server that took part in collectives; it lives as long as the process.
            server.retainReference();
            return new Server(server, target);
        }
    }

    /** A session on {@code graph} connected to {@code target}, configured with {@code config}. */
    public static Session open(Graph graph, String target, ConfigProto config) {
        AutoCloseable ref;
        try {
            ref = (AutoCloseable) GRAPH_REF.invoke(graph);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot reach Graph.ref(): " + e.getMessage(), e);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        }
        try (PointerScope scope = new PointerScope()) {
            TF_Graph handle = graphHandle(ref);
            TF_Status status = TF_Status.newStatus();
            TF_SessionOptions opts = TF_SessionOptions.newSessionOptions();
            tensorflow.TF_SetTarget(opts, target);
            byte[] bytes = config.toByteArray();
            tensorflow.TF_SetConfig(opts, new BytePointer(bytes), bytes.length, status);
            status.throwExceptionIfNotOK();
            TF_Session session = TF_Session.newSession(handle, opts, status);
            status.throwExceptionIfNotOK();
            // As Session.allocate: keep the handle beyond this pointer scope; Session.close releases it.
            return WRAP_SESSION.newInstance(graph, session.retainReference());
        } catch (InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException("cannot wrap a native session: " + e.getMessage(), e);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } finally {
            try {
                ref.close();
            } catch (Exception ignored) {
                // Graph.Reference.close does not throw
            }
        }
    }

    private static TF_Graph graphHandle(Object ref) {
        try {
            Method m = ref.getClass().getDeclaredMethod("nativeHandle");
            m.setAccessible(true);
            TF_Graph g = (TF_Graph) m.invoke(ref);
            if (g == null || g.isNull()) {
                throw new IllegalStateException("the graph was closed");
            }
            return g;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the graph's native handle: " + e, e);
        }
    }

    private static RuntimeException rethrow(InvocationTargetException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException r) {
            return r;
        }
        if (c instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(c);
    }
}
