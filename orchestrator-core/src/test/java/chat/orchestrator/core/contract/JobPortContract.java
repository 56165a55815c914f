package chat.orchestrator.core.contract;

import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static chat.orchestrator.core.contract.TestMessages.reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.Job;
import chat.orchestrator.core.port.JobPort;
import chat.orchestrator.core.port.JobStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link JobPort} must guarantee. Adapters extend this with a fresh store per test. */
public abstract class JobPortContract {
    private static final Duration TTL = Duration.ofMinutes(10);
    private static final Duration SHORT_TTL = Duration.ofMillis(400);

    private JobPort jobs;

    /** A job port over an empty store. */
    protected abstract JobPort freshJobs();

    /** Lets {@code duration} pass for the store's TTLs: advance a clock, or sleep for real servers. */
    protected abstract void letTimePass(Duration duration);

    @BeforeEach
    void openStore() {
        jobs = freshJobs();
    }

    @Test
    void aCreatedJobIsFoundAsStored() {
        Job job = Job.queued(newConversation(), List.of(MessageId.of("turn_1"), MessageId.of("turn_2")), TestMessages.BASE);
        jobs.create(job, TTL);

        assertEquals(Optional.of(job), jobs.find(job.id()));
        assertTrue(jobs.find(UUID.randomUUID()).isEmpty());
    }

    @Test
    void aJobMovesThroughItsStatesWithItsResult() {
        Job job = Job.queued(newConversation(), List.of(MessageId.of("turn_1"), MessageId.of("turn_2")), TestMessages.BASE);
        jobs.create(job, TTL);

        Job processing = job.moveTo(JobStatus.PROCESSING, Optional.empty(), "", TestMessages.BASE.plusSeconds(1));
        assertEquals(Optional.of(processing), jobs.update(processing, TTL));
        Job done = processing.moveTo(JobStatus.COMPLETED, Optional.of(reply("Dạ còn ạ 🙏")), "",
                TestMessages.BASE.plusSeconds(2));
        assertEquals(Optional.of(done), jobs.update(done, TTL));

        assertEquals(Optional.of(done), jobs.find(job.id()));
    }

    @Test
    void aFinalJobNeverChangesAgain() {
        Job job = Job.queued(newConversation(), List.of(MessageId.of("turn_1"), MessageId.of("turn_2")), TestMessages.BASE);
        jobs.create(job, TTL);
        Job cancelled = job.moveTo(JobStatus.CANCELLED, Optional.empty(), "cancelled by admin", TestMessages.BASE);
        jobs.update(cancelled, TTL);

        Job late = job.moveTo(JobStatus.COMPLETED, Optional.of(reply("too late")), "", TestMessages.BASE);

        assertEquals(Optional.of(cancelled), jobs.update(late, TTL));
        assertEquals(JobStatus.CANCELLED, jobs.find(job.id()).orElseThrow().status());
    }

    @Test
    void updatingAnUnknownJobCreatesNothing() {
        Job ghost = Job.queued(newConversation(), List.of(MessageId.of("turn_1"), MessageId.of("turn_2")), TestMessages.BASE);

        assertTrue(jobs.update(ghost, TTL).isEmpty());
        assertTrue(jobs.find(ghost.id()).isEmpty());
    }

    @Test
    void jobsExpireAfterTheirTtl() {
        Job job = Job.queued(newConversation(), List.of(MessageId.of("turn_1"), MessageId.of("turn_2")), TestMessages.BASE);
        jobs.create(job, SHORT_TTL);

        letTimePass(SHORT_TTL.multipliedBy(3));

        assertTrue(jobs.find(job.id()).isEmpty());
    }
}
