package chat.orchestrator.core.port;

/** Asks one store whether it is reachable now, with its figures. Never throws: an unreachable store is "down". */
@FunctionalInterface
public interface HealthPort {
    ComponentHealth check();
}
