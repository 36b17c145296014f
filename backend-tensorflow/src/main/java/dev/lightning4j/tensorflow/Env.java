package dev.lightning4j.tensorflow;

import java.util.function.Consumer;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.Tensor;
import org.tensorflow.op.Scope;

/**
 * Where ops are built: the backend's eager session, or the graph of one trace. Every kernel goes
 * through {@link #build} so that both contexts share one code path.
 */
abstract class Env {

    /** The TF scope new ops are named in. */
    abstract Scope scope();

    /** True for the eager context. */
    abstract boolean isEager();

    /** A short description for error messages. */
    abstract String describe();

    /** Creates one op of {@code type}; {@code setup} adds its inputs and attributes. */
    Operation build(String type, Consumer<OperationBuilder> setup) {
        OperationBuilder b = scope().opBuilder(type, type);
        setup.accept(b);
        return b.build();
    }

    /** A constant holding a copy of {@code value}; the caller still closes {@code value}. */
    Output<?> constant(Tensor value) {
        return build("Const", b -> b.setAttr("value", value).setAttr("dtype", value.dataType())).output(0);
    }
}
