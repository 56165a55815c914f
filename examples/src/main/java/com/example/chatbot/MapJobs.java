package com.example.chatbot;

import chat.orchestrator.core.port.Job;
import chat.orchestrator.core.port.JobPort;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An adapter of your own: the job records of the asynchronous API ({@code ChatJobs}) in a map standing in for a
 * store your application already runs. Each method is one atomic operation of the store (here {@code compute});
 * time comes from the clock it is given, so the contract suite can let TTLs pass without waiting.
 */
public final class MapJobs implements JobPort {
    private final ConcurrentHashMap<UUID, Stored> jobs = new ConcurrentHashMap<>();
    private final Clock clock;

    public MapJobs(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void create(Job job, Duration ttl) {
        // A store with its own expiry (Redis, a TTL index) forgets old records itself; a map has to be told.
        jobs.values().removeIf(stored -> !stored.isLive(clock.instant()));
        jobs.put(job.id(), new Stored(job, clock.instant().plus(ttl)));
    }

    @Override
    public Optional<Job> find(UUID id) {
        return Optional.ofNullable(jobs.computeIfPresent(id, (key, stored) -> live(stored))).map(Stored::job);
    }

    @Override
    public Optional<Job> update(Job next, Duration ttl) {
        Stored after = jobs.computeIfPresent(next.id(), (key, stored) -> {
            Stored current = live(stored);
            if (current == null || current.job().status().isFinal()) {
                return current; // a cancelled job stays cancelled
            }
            return new Stored(next, clock.instant().plus(ttl));
        });
        return Optional.ofNullable(after).map(Stored::job);
    }

    /** The record, or null once it has expired: {@code computeIfPresent} then removes it. */
    private Stored live(Stored stored) {
        return stored.isLive(clock.instant()) ? stored : null;
    }

    private record Stored(Job job, Instant expiresAt) {
        boolean isLive(Instant now) {
            return expiresAt.isAfter(now);
        }
    }
}
