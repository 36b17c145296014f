package dev.lightning4j.testkit;

import dev.lightning4j.backend.Backend;
import dev.lightning4j.backend.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/** The engine behind {@link ForEachBackend}: one invocation per installed backend. */
public final class ForEachBackendExtension implements TestTemplateInvocationContextProvider {

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getRequiredTestMethod().isAnnotationPresent(ForEachBackend.class);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        String[] wanted = context.getRequiredTestMethod().getAnnotation(ForEachBackend.class).value();
        Set<String> installed = Backends.installed().keySet();
        List<String> names = new ArrayList<>();
        if (wanted.length == 0) {
            names.addAll(installed);
        } else {
            for (String w : wanted) {
                if (!installed.contains(w)) {
                    throw new IllegalStateException("@ForEachBackend names backend '" + w
                            + "', which is not on the test classpath; installed: " + installed);
                }
                names.add(w);
            }
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("@ForEachBackend found no backend on the test classpath; "
                    + "add backend-pytorch and/or backend-tensorflow as test dependencies");
        }
        return names.stream().map(BackendInvocation::new);
    }

    private record BackendInvocation(String backend) implements TestTemplateInvocationContext {
        @Override
        public String getDisplayName(int invocationIndex) {
            return "[" + backend + "]";
        }

        @Override
        public List<org.junit.jupiter.api.extension.Extension> getAdditionalExtensions() {
            return List.of(new BackendParameterResolver(backend));
        }
    }

    private static final class BackendParameterResolver implements ParameterResolver {
        private final String backend;

        BackendParameterResolver(String backend) {
            this.backend = backend;
        }

        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
            Class<?> type = p.getParameter().getType();
            return type == Backend.class || type == String.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext e) {
            if (p.getParameter().getType() == String.class) {
                return backend;
            }
            try {
                Backend created = Backends.create(backend);
                // Closed by JUnit when the test's extension context closes.
                e.getStore(ExtensionContext.Namespace.create(ForEachBackendExtension.class, p.getIndex()))
                        .put("backend", (ExtensionContext.Store.CloseableResource) created::close);
                return created;
            } catch (RuntimeException ex) {
                throw new ParameterResolutionException("cannot create backend '" + backend + "': " + ex.getMessage(), ex);
            }
        }
    }
}
