package chat.orchestrator.inmemory;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import kotlin.Unit;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.CustomScenarioDSLKt;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;

/**
 * One budget for every Lincheck test of this module, sized so the suite stays within about a minute on a shared
 * two-core machine: model checking runs each interleaving under instrumentation, tens of milliseconds apiece there,
 * so the random scenarios are few. The races that matter most are therefore also given as fixed scenarios
 * ({@link #scenario}), which every run explores whatever the random generator picks. The system properties raise
 * the random part for a deeper run (docs/testing.md).
 */
final class LincheckBudget {
    private LincheckBudget() {
    }

    static ModelCheckingOptions options() {
        return new ModelCheckingOptions()
                .threads(Integer.getInteger("lincheck.threads", 2))
                .actorsPerThread(Integer.getInteger("lincheck.actorsPerThread", 3))
                .actorsBefore(Integer.getInteger("lincheck.actorsBefore", 2))
                .actorsAfter(1)
                .iterations(Integer.getInteger("lincheck.iterations", 5))
                .invocationsPerIteration(Integer.getInteger("lincheck.invocations", 100));
    }

    /** A call of the test's operation {@code name}; the Java API takes actors, not Kotlin function references. */
    static Actor call(Class<?> test, String name, Object... arguments) {
        Method method = Arrays.stream(test.getMethods()).filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(test.getSimpleName() + " has no operation " + name));
        return new Actor(method, List.of(arguments));
    }

    /** {@code initial} runs alone first, then each list of {@code threads} in its own thread. */
    @SafeVarargs
    static ExecutionScenario scenario(List<Actor> initial, List<Actor>... threads) {
        return CustomScenarioDSLKt.scenario(builder -> {
            builder.initial(thread -> {
                thread.addAll(initial);
                return Unit.INSTANCE;
            });
            builder.parallel(parallel -> {
                for (List<Actor> actors : threads) {
                    parallel.thread(thread -> {
                        thread.addAll(actors);
                        return Unit.INSTANCE;
                    });
                }
                return Unit.INSTANCE;
            });
            return Unit.INSTANCE;
        });
    }
}
