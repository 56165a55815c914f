package chat.orchestrator.core.port;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Job state of the asynchronous API, shared by all instances. Records expire {@code ttl} after their last write.
 * Throws {@link StoreUnavailableException} when the store cannot be reached.
 */
public interface JobPort {

    /** Stores a new job. */
    void create(Job job, Duration ttl);

    /** The job, unless it never existed or has expired. */
    Optional<Job> find(UUID id);

    /**
     * Replaces the job with {@code next} in one step, unless the stored job is already final (a cancelled job
     * stays cancelled); answers the job as stored afterwards, empty if there is none.
     */
    Optional<Job> update(Job next, Duration ttl);
}
