package dev.lightning4j.tensorflow;

import java.util.function.Consumer;
import org.tensorflow.EagerSession;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.Scope;

/** The eager context: ops run as soon as they are built, on the backend's own {@link EagerSession}. */
final class EagerEnv extends Env {
    private final EagerSession session;
    private final Scope scope;

    EagerEnv(EagerSession session) {
        this.session = session;
        this.scope = session.baseScope();
    }

    @Override
    Scope scope() {
        return scope;
    }

    @Override
    boolean isEager() {
        return true;
    }

    @Override
    String describe() {
        return "eager";
    }

    /** TF's name scope is not thread-safe, so eager op creation is serialised. */
    @Override
    Operation build(String type, Consumer<OperationBuilder> setup) {
        synchronized (this) {
            return super.build(type, setup);
        }
    }

    EagerSession session() {
        return session;
    }
}
