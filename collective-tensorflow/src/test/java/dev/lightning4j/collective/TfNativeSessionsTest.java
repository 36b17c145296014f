package dev.lightning4j.collective;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lightning4j.strategies.ClusterEnvironment;
import dev.lightning4j.strategies.DistributedOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Pins the TensorFlow Java internals that {@link TfNativeSessions} relies on: a one-task cluster
 * server starts, a session opened on its target through the C API runs a graph on the server's
 * device, and a collective op with a fed instance key runs repeatedly. When a TensorFlow upgrade
 * breaks these, this test fails first.
 */
class TfNativeSessionsTest {

    @Test
    void aSessionOnTheServerTargetRunsCollectivesOnTheServersDevice() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ClusterEnvironment single = new ClusterEnvironment(0, 1, List.of("127.0.0.1:" + port), "test");
        TfCollectiveRuntime runtime = TfCollectiveRuntime.join(single, DistributedOptions.DEFAULTS);
        assertThat(runtime.target()).isEqualTo("grpc://127.0.0.1:" + port);
        assertThat(TfCollectiveRuntime.join(single, DistributedOptions.DEFAULTS)).isSameAs(runtime);

        try (Graph g = new Graph()) {
            var scope = g.baseScope();
            Output<?> x = scope.opBuilder("Placeholder", "x").setAttr("dtype", DataType.DT_FLOAT)
                    .setAttr("shape", Shape.of(-1)).build().output(0);
            Output<?> key = scope.opBuilder("Placeholder", "key").setAttr("dtype", DataType.DT_INT32)
                    .setAttr("shape", Shape.scalar()).build().output(0);
            Output<?> mean = runtime.allReduce(scope, x, key, true, 30f);
            try (Session session = TfNativeSessions.open(g, runtime.target(), runtime.sessionConfig())) {
                for (int run = 0; run < 3; run++) {
                    try (TFloat32 in = TFloat32.vectorOf(1f, 2f, run); TInt32 k = TInt32.scalarOf(runtime.nextInstanceKey());
                         Result r = session.runner().feed(x, in).feed(key, k).fetch(mean)
                                 .setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build())
                                 .runAndFetchMetadata()) {
                        TFloat32 out = (TFloat32) r.get(0);
                        assertThat(out.getFloat(2)).isEqualTo((float) run); // a group of one: the mean is the input
                        RunMetadata meta = r.getMetadata().orElseThrow();
                        // The ops ran on the server's task: the session really is connected to the target.
                        assertThat(meta.getStepStats().getDevStatsList())
                                .anySatisfy(d -> assertThat(d.getDevice()).startsWith("/job:worker/replica:0/task:0"));
                    }
                }
            }
        }
    }
}
