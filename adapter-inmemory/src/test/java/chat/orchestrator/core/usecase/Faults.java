package chat.orchestrator.core.usecase;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A port that behaves as the real one except for the named methods: they throw, as a store does when it goes away,
 * or answer what the test says, as a holder paused just after a successful check would have been told.
 */
final class Faults {
    private Faults() {
    }

    static <T> T failing(Class<T> port, T real, RuntimeException fault, String... methods) {
        return failingAfter(port, real, 0, fault, methods);
    }

    /** Like {@link #failing}, once the named methods have worked {@code healthyCalls} times between them. */
    static <T> T failingAfter(Class<T> port, T real, int healthyCalls, RuntimeException fault, String... methods) {
        AtomicInteger calls = new AtomicInteger();
        return overriding(port, real, () -> calls.incrementAndGet() > healthyCalls, () -> {
            throw fault;
        }, methods);
    }

    static <T> T overriding(Class<T> port, T real, Supplier<Object> answer, String... methods) {
        return overriding(port, real, () -> true, answer, methods);
    }

    /** The port whose {@code method} answers what the real one does, changed by {@code change}. */
    static <T> T mapping(Class<T> port, T real, String method, UnaryOperator<Object> change) {
        Object proxy = Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (self, called, args) -> {
            try {
                Object result = called.invoke(real, args);
                return called.getName().equals(method) ? change.apply(result) : result;
            } catch (InvocationTargetException thrown) {
                throw thrown.getCause();
            }
        });
        return port.cast(proxy);
    }

    private static <T> T overriding(Class<T> port, T real, Supplier<Boolean> now, Supplier<Object> answer,
                                    String... methods) {
        Set<String> overridden = Set.of(methods);
        Object proxy = Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (self, method, args) -> {
            if (overridden.contains(method.getName()) && now.get()) {
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
