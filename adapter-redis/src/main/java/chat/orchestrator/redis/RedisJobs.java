package chat.orchestrator.redis;

import chat.orchestrator.core.port.Job;
import chat.orchestrator.core.port.JobPort;
import chat.orchestrator.core.port.JobStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import redis.clients.jedis.params.SetParams;

/**
 * {@link JobPort} on Redis: one JSON string per job with a PX expiry, so any instance can read or cancel it. An
 * update is a script that refuses to touch a final job, so a worker finishing late cannot undo a cancellation.
 */
public final class RedisJobs implements JobPort {
    private static final LuaScript UPDATE = LuaScript.load("job-update");
    private static final List<String> FINAL_STATUSES = Arrays.stream(JobStatus.values())
            .filter(JobStatus::isFinal).map(JobStatus::name).toList();

    private final RetryingRedis redis;
    private final RedisKeys keys;

    RedisJobs(RetryingRedis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public void create(Job job, Duration ttl) {
        String json = JobJson.write(job);
        redis.call("creating job " + job.id() + " of conversation " + job.conversationId(),
                r -> r.set(keys.job(job.id()), json, SetParams.setParams().px(millis(ttl))));
    }

    @Override
    public Optional<Job> find(UUID id) {
        String json = redis.call("reading job " + id, r -> r.get(keys.job(id)));
        return Optional.ofNullable(json).map(JobJson::read);
    }

    @Override
    public Optional<Job> update(Job next, Duration ttl) {
        List<String> args = new ArrayList<>(FINAL_STATUSES.size() + 2);
        args.add(JobJson.write(next));
        args.add(Long.toString(millis(ttl)));
        args.addAll(FINAL_STATUSES);
        Object stored = redis.script(UPDATE, List.of(keys.job(next.id())), args,
                "updating job " + next.id() + " of conversation " + next.conversationId());
        return Optional.ofNullable((String) stored).map(JobJson::read);
    }

    private static long millis(Duration ttl) {
        return Math.max(1, ttl.toMillis());
    }
}
