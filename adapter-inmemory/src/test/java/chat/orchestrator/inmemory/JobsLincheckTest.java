package chat.orchestrator.inmemory;

import chat.orchestrator.core.contract.TestMessages;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.port.Job;
import chat.orchestrator.core.port.JobStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import static chat.orchestrator.inmemory.LincheckBudget.call;
import static chat.orchestrator.inmemory.LincheckBudget.scenario;

/**
 * {@link InMemoryJobs#update} is a compare-and-set on "not final yet": a worker finishing a job and a client
 * cancelling it race, and whichever is linearized first must win for good (a cancelled job stays cancelled).
 * A zero TTL stores a job that has already expired, since the clock stands still.
 */
@Param(name = "job", gen = IntGen.class, conf = "0:1")
public class JobsLincheckTest {
    private static final UUID[] IDS = {new UUID(0, 1), new UUID(0, 2)};
    private static final ConversationId CONVERSATION = ConversationId.of("conv_a");

    private final InMemoryJobs jobs = new InMemoryJobs(Clock.fixed(TestMessages.BASE, ZoneOffset.UTC));

    @Operation
    public void create(@Param(name = "job") int job, boolean live) {
        jobs.create(job(job, JobStatus.QUEUED), live ? Duration.ofMinutes(5) : Duration.ZERO);
    }

    @Operation
    public String update(@Param(name = "job") int job, JobStatus next) {
        return status(jobs.update(job(job, next), Duration.ofMinutes(5)));
    }

    @Operation
    public String find(@Param(name = "job") int job) {
        return status(jobs.find(IDS[job]));
    }

    @Test
    void everyInterleavingMatchesSomeSequentialOrder() {
        Class<?> test = getClass();
        LincheckBudget.options()
                // A worker finishing the job while its client cancels it: the first final status stays.
                .addCustomScenario(scenario(List.of(call(test, "create", 0, true)),
                        List.of(call(test, "update", 0, JobStatus.COMPLETED)),
                        List.of(call(test, "update", 0, JobStatus.CANCELLED), call(test, "find", 0))))
                .check(test);
    }

    private static Job job(int job, JobStatus status) {
        return new Job(IDS[job], CONVERSATION, List.of(MessageId.of("msg_0")), status, Optional.empty(), "",
                TestMessages.BASE, TestMessages.BASE);
    }

    private static String status(Optional<Job> job) {
        return job.map(j -> j.status().name()).orElse("none");
    }
}
