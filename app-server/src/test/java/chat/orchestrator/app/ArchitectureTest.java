package chat.orchestrator.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Dependencies point inward: the core knows only the JDK, and no adapter knows another. */
class ArchitectureTest {
    private static final String[] ADAPTERS = {"inmemory", "redis", "postgres", "http"};
    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("chat.orchestrator");
    }

    @Test
    void theCoreDependsOnTheJdkAndItselfOnly() {
        classes().that().resideInAPackage("chat.orchestrator.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("chat.orchestrator.core..", "java..")
                .check(production);
    }

    @ParameterizedTest
    @ValueSource(strings = {"inmemory", "redis", "postgres", "http"})
    void anAdapterDependsOnNoOtherAdapter(String adapter) {
        for (String other : ADAPTERS) {
            if (!other.equals(adapter)) {
                noClasses().that().resideInAPackage("chat.orchestrator." + adapter + "..")
                        .should().dependOnClassesThat().resideInAPackage("chat.orchestrator." + other + "..")
                        .allowEmptyShould(true)
                        .check(production);
            }
        }
    }

    /**
     * Time, threads and chance reach the core's use cases only through its Scheduler, which a deterministic
     * simulation replaces: a sleep, a thread or a clock read of their own would escape the simulation's control.
     */
    @Test
    void theCoresTimeThreadsAndChanceGoThroughItsScheduler() {
        noClasses().that().resideInAPackage("chat.orchestrator.core..")
                .and().doNotHaveFullyQualifiedName("chat.orchestrator.core.SystemScheduler")
                .and().doNotHaveFullyQualifiedName("chat.orchestrator.core.Scheduler")
                .should().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(Thread.class, "sleep", java.time.Duration.class)
                .orShould().callMethod(Thread.class, "ofVirtual")
                .orShould().callMethod(Thread.class, "ofPlatform")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(java.time.Clock.class, "systemUTC")
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.Executors")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.FutureTask")
                .check(production);
    }

    @Test
    void nothingButTheCompositionRootDependsOnIt() {
        noClasses().that().resideOutsideOfPackage("chat.orchestrator.app..")
                .should().dependOnClassesThat().resideInAPackage("chat.orchestrator.app..")
                .check(production);
    }
}
