package chat.orchestrator.core.usecase;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A port that behaves as the real one except for the named methods: they throw, as a store does when it goes away,
 * or answer what the test says, as a holder paused just after a successful check would have been told.
 */
final class Faults {
    private Faults() {
    }

    static <T> T failing(Class<T> port, T real, RuntimeException fault, String... methods) {
        return overriding(port, real, () -> {
            throw fault;
        }, methods);
    }

    static <T> T overriding(Class<T> port, T real, Supplier<Object> answer, String... methods) {
        Set<String> overridden = Set.of(methods);
        Object proxy = Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (self, method, args) -> {
            if (overridden.contains(method.getName())) {
                return answer.get();
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException thrown) {
                throw thrown.getCause();
            }
        });
        return port.cast(proxy);
    }
}
