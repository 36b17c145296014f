package dev.lightning4j.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test once per installed backend (every engine jar on the test classpath), as JUnit 5
 * parameterized tests do for values. A parameter of type {@link dev.lightning4j.backend.Backend}
 * receives a fresh instance of that engine, closed after the test; a {@code String} parameter
 * receives the backend's name (for {@code Trainer.builder().backend(name)}).
 *
 * <pre>{@code
 * @ForEachBackend
 * void myModelTrains(String backend) {
 *     try (Trainer trainer = Trainer.builder().backend(backend).maxEpochs(3).build()) { ... }
 * }
 * }</pre>
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(ForEachBackendExtension.class)
public @interface ForEachBackend {
    /** Limit to these backends (by name); empty means every installed one. */
    String[] value() default {};
}
