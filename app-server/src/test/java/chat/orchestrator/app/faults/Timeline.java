package chat.orchestrator.app.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The suite's phases in the order they ran, each with the window of its fault. Traffic and the stubs stamp what they
 * see with the phase current at that moment, so the report can say which fault a lost or doubled message met.
 */
final class Timeline {
    /** One phase: its name, what the fault does, when the phase began, when its fault began and ended. */
    record Phase(String name, String fault, Instant start, Instant faultStart, Instant faultEnd, Instant end) {
        Duration faultLength() {
            return faultStart == null || faultEnd == null ? Duration.ZERO : Duration.between(faultStart, faultEnd);
        }
    }

    private final List<Phase> done = new ArrayList<>();
    private volatile String current = "start";
    private String fault = "";
    private Instant start = Instant.now();
    private Instant faultStart;
    private Instant faultEnd;

    String current() {
        return current;
    }

    synchronized void begin(String name, String what) {
        current = name;
        fault = what;
        start = Instant.now();
        faultStart = null;
        faultEnd = null;
        log("phase " + name + ": " + what);
    }

    synchronized void faultStarts() {
        faultStart = Instant.now();
    }

    synchronized void faultEnds() {
        faultEnd = Instant.now();
        log("phase " + current + ": fault over after " + Duration.between(faultStart == null ? start : faultStart,
                faultEnd).toMillis() + " ms");
    }

    synchronized void end() {
        done.add(new Phase(current, fault, start, faultStart, faultEnd, Instant.now()));
    }

    synchronized List<Phase> phases() {
        return List.copyOf(done);
    }

    /** The phase that was running at {@code instant} (the first one if it was before any, the last if after all). */
    static String phaseAt(List<Phase> phases, Instant instant) {
        String found = phases.isEmpty() ? "start" : phases.getFirst().name();
        for (Phase phase : phases) {
            if (!instant.isBefore(phase.start())) {
                found = phase.name();
            }
        }
        return found;
    }

    /** The end of the last fault: time to quiesce is counted from here. */
    synchronized Optional<Instant> lastFaultEnd() {
        return done.stream().map(Phase::faultEnd).filter(t -> t != null).max(Instant::compareTo);
    }

    static void log(String line) {
        System.out.println("[faults " + Instant.now() + "] " + line);
    }
}
