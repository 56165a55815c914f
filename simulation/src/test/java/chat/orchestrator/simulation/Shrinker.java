package chat.orchestrator.simulation;

/**
 * Makes a failing plan smaller: removes one event at a time, keeping each removal after which the seed still breaks
 * the same invariant, until no single removal does. The scheduler's choices still come from the seed, so the smaller plan replays too.
 */
final class Shrinker {
    private static final int MAX_RUNS = 300;

    private Shrinker() {
    }

    static Simulation.Result shrink(Simulation.Result failing) {
        Simulation.Result smallest = failing;
        int runs = 0;
        boolean progress = true;
        while (progress && runs < MAX_RUNS) {
            progress = false;
            for (int i = smallest.plan().events().size() - 1; i >= 0 && runs < MAX_RUNS; i--) {
                Simulation.Result attempt = Simulation.run(smallest.plan().without(i));
                runs++;
                if (attempt.failed() && invariant(attempt).equals(invariant(failing))) {
                    smallest = attempt;
                    progress = true;
                }
            }
        }
        return smallest;
    }

    /** "invariant 5 (one burst, one answer)": a smaller plan must break the same one, not merely something. */
    private static String invariant(Simulation.Result result) {
        String first = result.violations().getFirst();
        int end = first.indexOf(" at ");
        return end < 0 ? first : first.substring(0, end);
    }
}
