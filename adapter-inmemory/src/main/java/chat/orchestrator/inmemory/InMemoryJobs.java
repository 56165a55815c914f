package chat.orchestrator.inmemory;

import chat.orchestrator.core.port.Job;
import chat.orchestrator.core.port.JobPort;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** {@link JobPort} for one process; records expire by the clock, final jobs never change. */
public final class InMemoryJobs implements JobPort {
    private final Clock clock;
    private final Map<UUID, Entry> jobs = new HashMap<>();

    public InMemoryJobs(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void create(Job job, Duration ttl) {
        purgeExpired();
        jobs.put(job.id(), new Entry(job, clock.instant().plus(ttl)));
    }

    @Override
    public synchronized Optional<Job> find(UUID id) {
        return live(id).map(Entry::job);
    }

    @Override
    public synchronized Optional<Job> update(Job next, Duration ttl) {
        Optional<Entry> current = live(next.id());
        if (current.isEmpty()) {
            return Optional.empty();
        }
        if (current.get().job().status().isFinal()) {
            return Optional.of(current.get().job());
        }
        jobs.put(next.id(), new Entry(next, clock.instant().plus(ttl)));
        return Optional.of(next);
    }

    private Optional<Entry> live(UUID id) {
        Entry entry = jobs.get(id);
        if (entry == null || !entry.expiresAt().isAfter(clock.instant())) {
            jobs.remove(id);
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    private void purgeExpired() {
        Instant now = clock.instant();
        jobs.values().removeIf(e -> !e.expiresAt().isAfter(now));
    }

    private record Entry(Job job, Instant expiresAt) {
    }
}
